// Values for the todo-app Helm chart (runbook T173–T175), computed from the same config and the
// same helpers as the objects `phase apps` and `phase workers` apply, so `helm template` with
// values.yaml yields those objects (test/phases/helm-chart.test.ts holds the two side by side).
// The overlays only carry what they change; Helm merges them over values.yaml.
import { Document, isMap, isScalar } from 'yaml';
import type { Config } from '../../config/schema.js';
import type { Resources } from '../../config/sections/common.js';
import { TodoInfraError } from '../../core/errors.js';
import { bytes, milliCpu } from '../base/quantity.js';
import { DB_SECRET_KEY, DB_SECRET_NAME } from '../base/secrets.js';
import { securityHeaderAnnotations } from '../hardening/tls.js';
import { ingressController } from '../ingress/controller.js';
import { DAPR_CONFIG_NAME } from './dapr.js';
import { imageFor, type Component } from './images.js';
import { APP_INGRESS_NAME } from './ingress.js';
import { SERVICE_PORT } from './service.js';
import { checkWorkers } from '../workers/subscriptions.js';
import { enabledWorkers, workerImage } from '../workers/workload.js';

export interface ImageValues {
  repository: string;
  tag: string;
  digest: string;
}

/** Splits a resolved reference the way the chart joins it again (see _helpers.tpl). */
export function splitImage(ref: string): ImageValues {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), tag: '', digest: ref.slice(at + 1) };
  // A colon after the last slash is a tag; one before it belongs to a registry port.
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) {
    return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1), digest: '' };
  }
  return { repository: ref, tag: '', digest: '' };
}

/**
 * A fresh copy: the yaml library writes an object met twice as an anchor and an alias, which
 * would make values.yaml depend on which config values happen to share an object.
 */
function copyResources(r: Resources): Resources {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

function componentValues(config: Config, c: Component) {
  const app = config.apps[c];
  return {
    // No registry outputs: like `render`, the image comes from the config alone.
    image: splitImage(imageFor(config, c, undefined)),
    replicas: app.replicas,
    port: app.port,
    appId: c,
    resources: copyResources(app.resources),
    hpa: { ...app.hpa },
  };
}

/**
 * The enabled workers keyed by Dapr app id. A map rather than a list because Helm replaces
 * lists whole but merges maps, so the dev overlay can name just the sizes it changes.
 */
function workerValues(config: Config) {
  // The phase refuses clashing app ids; keyed by id, a duplicate would vanish silently here.
  checkWorkers(config);
  return Object.fromEntries(
    enabledWorkers(config).map((w) => [
      w.appId,
      {
        replicas: w.replicas,
        port: w.port,
        resources: copyResources(w.resources),
        topics: [...w.topics],
        route: w.route,
      },
    ]),
  );
}

/** values.yaml: what `phase apps` and `phase workers` would deploy for this config. */
export function chartValues(config: Config) {
  const { host, tls } = config.ingress;
  return {
    frontend: componentValues(config, 'frontend'),
    backend: componentValues(config, 'backend'),
    // Every worker runs the one todo-worker image; they differ by app id, port and topics.
    workerImage: splitImage(workerImage(config, undefined)),
    workers: workerValues(config),
    service: { port: SERVICE_PORT },
    nodeArch: 'arm64',
    // The registry phase creates the pull secret; without it, render knows none to name.
    imagePullSecret: '',
    serviceAccountPerWorkload: config.hardening.serviceAccountPerWorkload,
    database: { secretName: DB_SECRET_NAME, secretKey: DB_SECRET_KEY },
    dapr: {
      enabled: true,
      config: DAPR_CONFIG_NAME,
      logAsJson: config.dapr.logAsJson,
      pubsubName: config.dapr.pubsubName,
      sidecar: copyResources(config.dapr.sidecar),
    },
    ingress: {
      name: APP_INGRESS_NAME,
      className: ingressController(config).className(config),
      host: host ?? '',
      tls: { enabled: tls.enabled, secretName: tls.secretName },
      annotations: securityHeaderAnnotations(config),
    },
  };
}

interface DevSize {
  cpu: string;
  memory: string;
  cpuLimit: string;
  memoryLimit: string;
}

/** The dev overlay's sizes; a config that already asks for less keeps its own figure. */
const DEV_SIZES: Record<Component, DevSize> = {
  frontend: { cpu: '50m', memory: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi' },
  backend: { cpu: '50m', memory: '128Mi', cpuLimit: '250m', memoryLimit: '256Mi' },
};

/** Every worker's dev size: half the default requests, as a dev namespace sees few events. */
const WORKER_DEV_SIZE: DevSize = {
  cpu: '25m',
  memory: '64Mi',
  cpuLimit: '100m',
  memoryLimit: '128Mi',
};

const smallerCpu = (a: string, b: string) => (milliCpu(a) <= milliCpu(b) ? a : b);
const smallerMemory = (a: string, b: string) => (bytes(a) <= bytes(b) ? a : b);

function smallResources(dev: DevSize, own: Resources) {
  return {
    requests: {
      cpu: smallerCpu(dev.cpu, own.requests.cpu),
      memory: smallerMemory(dev.memory, own.requests.memory),
    },
    limits: {
      cpu: smallerCpu(dev.cpuLimit, own.limits.cpu),
      memory: smallerMemory(dev.memoryLimit, own.limits.memory),
    },
  };
}

/**
 * values-dev.yaml: one pod per component and small requests, so a development namespace leaves
 * room for everything else on a single Always Free node. It never raises what the config asks:
 * a worker switched off (replicas: 0) stays off.
 */
export function devOverlay(config: Config) {
  const small = (c: Component) => ({
    resources: smallResources(DEV_SIZES[c], config.apps[c].resources),
    hpa: { minReplicas: 1, maxReplicas: 1 },
  });
  const workers = Object.fromEntries(
    enabledWorkers(config).map((w) => [
      w.appId,
      {
        replicas: Math.min(1, w.replicas),
        resources: smallResources(WORKER_DEV_SIZE, w.resources),
      },
    ]),
  );
  return { frontend: small('frontend'), backend: small('backend'), workers };
}

/** Never above what the config schema accepts for apps.<component>.hpa.maxReplicas. */
const HPA_CEILING = 20;

/**
 * values-prod.yaml: HTTPS (with HSTS when security headers are on) and twice the configured
 * scale-out ceiling. Without ingress.host in the config the overlay names a placeholder host,
 * because TLS needs the name the certificate covers.
 */
export function prodOverlay(config: Config) {
  const withTls: Config = {
    ...config,
    ingress: { ...config.ingress, tls: { ...config.ingress.tls, enabled: true } },
  };
  const maxFor = (c: Component) => ({
    hpa: { maxReplicas: Math.min(HPA_CEILING, config.apps[c].hpa.maxReplicas * 2) },
  });
  return {
    frontend: maxFor('frontend'),
    backend: maxFor('backend'),
    ingress: {
      host: config.ingress.host ?? PLACEHOLDER_HOST,
      tls: { enabled: true },
      annotations: securityHeaderAnnotations(withTls),
    },
  };
}

export const PLACEHOLDER_HOST = 'todo.example.com';

/** Comments for the keys of values.yaml, by dotted path: why each knob exists. */
export const VALUE_NOTES: Record<string, string> = {
  frontend: 'The web frontend; the Ingress sends every path but /api to it.',
  backend: 'The API; served at /api. Reads DATABASE_URL from the database Secret.',
  'frontend.replicas':
    '0 switches the component off (Deployment at 0, no HPA). Any other value leaves the count\n' +
    'to the HPA below, and spec.replicas stays unset so an upgrade never undoes its scaling.',
  'backend.replicas': 'As for the frontend.',
  'frontend.image': 'A digest, when set, pins the image and the tag is ignored.',
  workerImage: 'The one image every event worker runs (registry.repositories.worker).',
  workers:
    'The event workers by Dapr app id (also the Deployment name). Each gets one Dapr ' +
    'Subscription\n' +
    'per topic, scoped to it, on the pub/sub component dapr.pubsubName. replicas is the count:\n' +
    'no HPA scales workers, as a Kafka partition feeds one member of a consumer group.',
  nodeArch: 'Always Free A1 workers are arm64, and so are the images the pipeline builds.',
  imagePullSecret:
    'Name of a kubernetes.io/dockerconfigjson Secret for a private registry (the registry\n' +
    'phase creates one named by registry.pullSecretName).',
  serviceAccountPerWorkload: 'One token-less ServiceAccount per component and per worker.',
  database: 'Where DATABASE_URL comes from; the chart references the Secret, never a value.',
  dapr: 'Ask Dapr to inject its sidecar; needs the Dapr control plane and its Configuration.',
  ingress: 'TLS needs host; the Secret named by tls.secretName must exist in the namespace.',
};

/** Serializes values as Helm reads them: YAML 1.1, so strings like "on" or "no" stay quoted. */
export function valuesYaml(values: object, header: string, notes: Record<string, string> = {}) {
  const doc = new Document(values, { version: '1.1' });
  doc.commentBefore = header
    .split('\n')
    .map((l) => ` ${l}`.trimEnd())
    .join('\n');
  for (const [path, note] of Object.entries(notes)) {
    const keys = path.split('.');
    const parent = keys.length === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
    const pair = isMap(parent)
      ? parent.items.find((p) => isScalar(p.key) && p.key.value === keys.at(-1))
      : undefined;
    // A note for a key that no longer exists is a bug in this file, not something to skip.
    if (!pair || !isScalar(pair.key)) {
      throw new TodoInfraError('INTERNAL', `the chart values have no key ${path} to comment`, {
        source: 'tool',
        hint: 'This is a bug in todo-infra: report it with the command you ran.',
      });
    }
    pair.key.commentBefore = note
      .split('\n')
      .map((l) => ` ${l}`)
      .join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}

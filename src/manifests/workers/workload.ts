// The event workers' Deployments (runbook T121–T122, T129–T134) and their ServiceAccounts.
//
// A worker is the apps phase's component with a different name: same pod hardening (restricted
// security context, read-only root, seccomp), same probes (/health, /ready), arm64 scheduling,
// pull secret and rolling-update limits. So the Deployment is built by the apps builder and then
// renamed — one definition of "an app pod" for the whole platform — and only what differs is
// set here: name and labels (the Dapr app id), replicas (workers have no HPA), env, the image.
//
// Names: Deployment and container are named after the app id, which the pipeline's deploy jobs
// rely on (src/pipeline/deployer.ts updates `<appId>` / container `<appId>`).
import type { Config } from '../../config/schema.js';
import type { WorkerConfig } from '../../config/sections/apps.js';
import { TodoInfraError, usageError } from '../../core/errors.js';
import type { KubeObject } from '../../kube/types.js';
import { daprAnnotations } from '../apps/dapr.js';
import { deploymentObject } from '../apps/deployment.js';
import { imageFor, type RegistryOutputs } from '../apps/images.js';
import { serviceAccountObject } from '../apps/service.js';
import { managedLabels } from '../base/yaml.js';

/** The component label every worker object carries; pruning selects on it. */
export const WORKER_COMPONENT = 'worker';

/** The apps builder's slot a worker is built in; every trace of it is renamed afterwards. */
const TEMPLATE = 'frontend' as const;

export function workerSelector(appId: string): Record<string, string> {
  return { 'app.kubernetes.io/name': appId };
}

export function workerLabels(appId: string): Record<string, string> {
  return { ...managedLabels(WORKER_COMPONENT), ...workerSelector(appId) };
}

/** `app.kubernetes.io/component=worker,…managed-by=todo-infra`: all of this phase's objects. */
export function workerObjectsSelector(): string {
  const l = managedLabels(WORKER_COMPONENT);
  return ['app.kubernetes.io/component', 'app.kubernetes.io/managed-by']
    .map((k) => `${k}=${l[k]}`)
    .join(',');
}

export function enabledWorkers(config: Config): WorkerConfig[] {
  return config.apps.workers.filter((w) => w.enabled);
}

/**
 * The config as the apps builders see it: the worker's settings in the template's slot (only
 * the image settings when no worker is given — the image is the same for all of them).
 */
function asTemplate(config: Config, w?: WorkerConfig): Config {
  const slot = {
    ...config.apps[TEMPLATE],
    // Workers have no image override: they all run registry.repositories.worker.
    image: undefined,
    tag: config.apps.workerTag,
    ...(w ? { replicas: w.replicas, port: w.port, resources: w.resources } : {}),
  };
  const repositories = {
    ...config.registry.repositories,
    [TEMPLATE]: config.registry.repositories.worker,
  };
  return {
    ...config,
    apps: { ...config.apps, [TEMPLATE]: slot },
    registry: { ...config.registry, repositories },
  };
}

/**
 * <registry>/<registry.repositories.worker>:<apps.workerTag>, resolved by the apps phase's rule
 * (registry phase's image prefix, else registry.host + registry.namespace).
 */
export function workerImage(config: Config, registry: RegistryOutputs | undefined): string {
  try {
    return imageFor(asTemplate(config), TEMPLATE, registry);
  } catch (err) {
    if (!(err instanceof TodoInfraError) || err.code !== 'IMAGE_UNKNOWN') throw err;
    const repo = config.registry.repositories.worker;
    throw usageError(
      'WORKER_IMAGE_UNKNOWN',
      `no image for the workers: ${repo} needs a registry and none is known`,
      'Set registry.host and registry.namespace (the workers run <host>/<namespace>/' +
        `${repo}:<apps.workerTag>), or run the registry phase (target oke).`,
    );
  }
}

export interface WorkerInputs {
  image: string;
  pullSecret?: string;
  /** Own ServiceAccount (hardening.serviceAccountPerWorkload). */
  serviceAccount?: string;
}

type PodSpec = { containers: Array<Record<string, unknown>> } & Record<string, unknown>;
interface DeploymentSpec extends Record<string, unknown> {
  template: { metadata: Record<string, unknown>; spec: PodSpec };
}

export function workerDeployment(
  config: Config,
  w: WorkerConfig,
  inputs: WorkerInputs,
): KubeObject {
  const base = deploymentObject(asTemplate(config, w), TEMPLATE, inputs);
  const { replicas: _hpaOwned, ...spec } = base.spec as DeploymentSpec;
  const pod = spec.template.spec;
  const [app, ...others] = pod.containers;
  if (!app || others.length > 0) {
    throw new TodoInfraError(
      'WORKER_TEMPLATE',
      'the apps Deployment builder no longer returns ' + 'exactly one container',
      { source: 'tool', hint: 'Report this as a todo-infra bug.' },
    );
  }
  const labels = workerLabels(w.appId);
  return {
    apiVersion: base.apiVersion,
    kind: base.kind,
    metadata: { name: w.appId, namespace: config.apps.namespace, labels },
    spec: {
      // No HPA scales workers (a Kafka partition is consumed by one member of a group, so
      // more replicas than partitions would idle): the config's count is the count.
      replicas: w.replicas,
      ...spec,
      selector: { matchLabels: workerSelector(w.appId) },
      template: {
        metadata: { labels, annotations: daprAnnotations(config, w.appId, w.port) },
        spec: {
          ...pod,
          // The app listens on PORT; events arrive from daprd over the pod's loopback, so
          // nothing else about the subscription is the app's configuration.
          containers: [{ ...app, name: w.appId, env: [{ name: 'PORT', value: String(w.port) }] }],
        },
      },
    },
  };
}

export function workerServiceAccount(config: Config, w: WorkerConfig): KubeObject {
  const sa = serviceAccountObject(config, TEMPLATE);
  return { ...sa, metadata: { ...sa.metadata, name: w.appId, labels: workerLabels(w.appId) } };
}

// The frontend and backend Deployments (runbook T056, T059).
//
// Replicas: the HPA owns the replica count, so the Deployment omits spec.replicas (a server-
// side apply that set it would fight the HPA on every run); a new Deployment starts at 1 and
// the HPA raises it to minReplicas. apps.<name>.replicas: 0 switches the component off
// (replicas 0 and no HPA).
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { DB_SECRET_KEY, DB_SECRET_NAME } from '../base/secrets.js';
import { managedLabels } from '../base/yaml.js';
import { daprAnnotations } from './dapr.js';
import type { Component } from './images.js';

/** Non-root uid/gid the containers run as (any non-zero id works with runAsNonRoot). */
const APP_UID = 10001;

export function selectorLabels(component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': component };
}

export interface DeploymentInputs {
  image: string;
  pullSecret?: string;
  serviceAccount?: string;
}

export function deploymentObject(
  config: Config,
  component: Component,
  inputs: DeploymentInputs,
): KubeObject {
  const c = config.apps[component];
  const labels = { ...managedLabels(component), ...selectorLabels(component) };
  const env: Array<Record<string, unknown>> = [{ name: 'PORT', value: String(c.port) }];
  if (component === 'backend') {
    env.push({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: DB_SECRET_NAME, key: DB_SECRET_KEY } },
    });
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: component, namespace: config.apps.namespace, labels },
    spec: {
      ...(c.replicas === 0 ? { replicas: 0 } : {}),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(component) },
      // One extra pod during a rollout and none missing: the quota leaves room for exactly
      // one surge pod (see apps.quotas).
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels, annotations: daprAnnotations(config, component, c.port) },
        spec: {
          ...(inputs.serviceAccount ? { serviceAccountName: inputs.serviceAccount } : {}),
          // The apps never call the Kubernetes API; daprd gets its own projected token.
          automountServiceAccountToken: false,
          // Always Free workers are Ampere A1; the images are built for arm64.
          nodeSelector: { 'kubernetes.io/arch': 'arm64' },
          ...(inputs.pullSecret ? { imagePullSecrets: [{ name: inputs.pullSecret }] } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            fsGroup: APP_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(component, inputs.image, c, env)],
          // A read-only root filesystem still needs somewhere to write temp files.
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function container(
  name: Component,
  image: string,
  c: Config['apps'][Component],
  env: Array<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    name,
    image,
    ports: [{ name: 'http', containerPort: c.port, protocol: 'TCP' }],
    env,
    resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
    livenessProbe: {
      httpGet: { path: '/health', port: 'http' },
      initialDelaySeconds: 30,
      periodSeconds: 10,
    },
    readinessProbe: {
      httpGet: { path: '/ready', port: 'http' },
      initialDelaySeconds: 5,
      periodSeconds: 5,
    },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

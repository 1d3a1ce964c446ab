// ClusterIP Services (T057, T060) and autoscaling/v2 HPAs (T058, T061) for the app components.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from '../base/yaml.js';
import { selectorLabels } from './deployment.js';
import type { Component } from './images.js';

/** Port the Services expose inside the cluster; the Ingress routes to it. */
export const SERVICE_PORT = 80;

export function serviceObject(config: Config, component: Component): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: component,
      namespace: config.apps.namespace,
      labels: { ...managedLabels(component), ...selectorLabels(component) },
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(component),
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * One ServiceAccount per workload (hardening.serviceAccountPerWorkload) with no API access:
 * a compromised pod then holds no token and shares no identity with its neighbours.
 */
export function serviceAccountObject(config: Config, component: Component): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: component,
      namespace: config.apps.namespace,
      labels: managedLabels(component),
    },
    automountServiceAccountToken: false,
  };
}

/** undefined when the component is switched off (replicas: 0). */
export function hpaObject(config: Config, component: Component): KubeObject | undefined {
  const c = config.apps[component];
  if (c.replicas === 0) return undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: component,
      namespace: config.apps.namespace,
      labels: managedLabels(component),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: component },
      minReplicas: c.hpa.minReplicas,
      maxReplicas: c.hpa.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          // Utilization is relative to the pod's CPU requests, sidecar included.
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: c.hpa.cpuUtilization },
          },
        },
      ],
    },
  };
}

// The platform's namespaces (runbook T036–T037) with Pod Security admission labels.
//
// Levels, and why each is what it is:
// - todo-app: hardening.podSecurity (restricted by default). The app containers are built for
//   it, and the Dapr sidecar complies when the pods carry the seccomp annotation (set by the
//   apps phase) and the injector drops all capabilities (Dapr chart value
//   dapr_sidecar_injector.sidecarDropALLCapabilities, set by the dapr phase).
// - ingress: restricted. The F5 NGINX controller runs as uid 101 with all capabilities dropped
//   except NET_BIND_SERVICE, the one capability the restricted profile allows adding.
// - monitoring: restricted; it only hosts exporters that need no host access.
// - kafka: baseline enforced, restricted warned/audited. Strimzi's default pod security
//   provider only produces baseline-compliant pods; restricted needs the operator's
//   STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted. Enforcing restricted before that is set
//   would leave the broker unschedulable with no error in the Kafka resource.
// - dapr-system: baseline enforced, restricted warned/audited. The Dapr chart does not set
//   a seccomp profile on every control-plane pod (scheduler/placement) in all versions.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from './yaml.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

function podSecurity(enforce: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    // Always warn and audit at restricted, so drift toward it is visible even where it is
    // not enforced.
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
  };
}

export interface NamespacePlan {
  name: string;
  enforce: PodSecurityLevel;
  extraLabels?: Record<string, string>;
}

export function namespacePlans(config: Config): NamespacePlan[] {
  return [
    {
      name: config.apps.namespace,
      enforce: config.hardening.podSecurity,
      // Read by Dapr tooling and by network policies selecting the app namespace; the
      // injector itself acts on the pod annotation dapr.io/enabled.
      extraLabels: { 'dapr.io/enabled': 'true' },
    },
    { name: config.ingress.namespace, enforce: 'restricted' },
    { name: config.kafka.namespace, enforce: 'baseline' },
    { name: config.dapr.namespace, enforce: 'baseline' },
    { name: config.monitoring.namespace, enforce: 'restricted' },
  ];
}

export function namespaceObjects(config: Config): KubeObject[] {
  return namespacePlans(config).map((plan) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: plan.name,
      labels: { ...managedLabels('namespace'), ...podSecurity(plan.enforce), ...plan.extraLabels },
    },
  }));
}

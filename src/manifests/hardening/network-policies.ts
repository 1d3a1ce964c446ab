// NetworkPolicies for the app namespace (runbook T155–T159). Default deny in both directions,
// then one policy per kind of traffic the platform needs, each naming which pods it is for
// (POLICY_TARGETS) so the hardening checkpoint can compare what a policy's podSelector really
// selects on the live pods with what it is meant to select.
//
// Traffic, and why each rule is what it is:
// - DNS: every pod resolves Service names through CoreDNS in kube-system (UDP and TCP 53).
// - ingress controller → frontend and backend on their container ports (the Services map
//   port 80 to these; policies see the pod port). The frontend may also call the backend
//   in-cluster (server-side rendering).
// - Dapr: each app pod's daprd dials the control plane in the Dapr namespace — sentry 50001
//   (mTLS certificates), operator 6500 (components and configuration), placement 50005
//   (actors), scheduler 50006 (jobs, reminders) — and other daprds on 50002 (service
//   invocation). The app ↔ daprd hops (3500, 50001, app port) are on the pod's loopback and
//   never reach a policy. The sidecar injector's webhook is called by the API server in the
//   Dapr namespace, which these policies do not cover.
// - Kafka: every daprd loads the pub/sub component, which connects to the brokers (9092 plain,
//   9093 TLS) when the sidecar starts, so all app pods — not only the workers — need it.
// - PostgreSQL: the backend (DATABASE_URL) and every daprd (state store) connect to the
//   database, which lives outside the cluster at an address only the secret knows: port 5432
//   to any address.
// - API server: Dapr's Kubernetes secret store reads Secrets through the API. Policies match
//   the address after the Service's DNAT, so the rule names the `kubernetes` Service's
//   endpoints (read from the cluster), or the VCN range on 6443 when the cluster hides them.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from '../base/yaml.js';
import { PLAIN_PORT, TLS_PORT } from '../kafka/names.js';

export const DAPR_PORTS = { sentry: 50001, operator: 6500, placement: 50005, scheduler: 50006 };
/** daprd's internal gRPC port: sidecar-to-sidecar service invocation. */
export const DAPRD_INTERNAL_PORT = 50002;
export const POSTGRES_PORT = 5432;
/** Every pod of the platform's own workloads carries this label (managedLabels). */
export const APP_PODS = { 'app.kubernetes.io/part-of': 'todo' } as const;
const NAME_LABEL = 'app.kubernetes.io/name';

export interface ApiEndpoint {
  ip: string;
  port: number;
}

/**
 * Which pods each policy is meant to select: 'every' pod in the namespace, the platform's
 * 'app' pods (APP_PODS), or the pods of the named components (app.kubernetes.io/name).
 */
export type PolicyTarget = 'every' | 'app' | { components: string[] };

export const POLICY_TARGETS: Readonly<Record<string, PolicyTarget>> = {
  'default-deny': 'every',
  'allow-dns': 'every',
  'allow-ingress-to-frontend': { components: ['frontend'] },
  'allow-ingress-to-backend': { components: ['backend'] },
  'allow-dapr': 'app',
  'allow-kafka': 'app',
  'allow-database': 'app',
  'allow-apiserver': 'app',
};

const nsPeer = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
const component = (name: string) => ({ matchLabels: { [NAME_LABEL]: name } });

function policy(config: Config, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: config.apps.namespace, labels: managedLabels('network-policy') },
    spec,
  };
}

/** The API server peers: the live endpoints, or the VCN on 6443 when none are known. */
export function apiServerRule(config: Config, endpoints: ApiEndpoint[]) {
  if (endpoints.length === 0) {
    return { to: [{ ipBlock: { cidr: config.network.vcnCidr } }], ports: tcp(6443) };
  }
  const ips = [...new Set(endpoints.map((e) => e.ip))].sort();
  const ports = [...new Set(endpoints.map((e) => e.port))].sort((a, b) => a - b);
  const cidr = (ip: string) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);
  return { to: ips.map((ip) => ({ ipBlock: { cidr: cidr(ip) } })), ports: tcp(...ports) };
}

export function networkPolicies(config: Config, apiEndpoints: ApiEndpoint[] = []): KubeObject[] {
  const app = { matchLabels: { ...APP_PODS } };
  const ingressNs = nsPeer(config.ingress.namespace);
  return [
    policy(config, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(config, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [nsPeer('kube-system')],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy(config, 'allow-ingress-to-frontend', {
      podSelector: component('frontend'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [ingressNs], ports: tcp(config.apps.frontend.port) }],
    }),
    policy(config, 'allow-ingress-to-backend', {
      podSelector: component('backend'),
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [ingressNs, { podSelector: component('frontend') }],
          ports: tcp(config.apps.backend.port),
        },
      ],
    }),
    policy(config, 'allow-dapr', {
      podSelector: app,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: app }], ports: tcp(DAPRD_INTERNAL_PORT) }],
      egress: [
        { to: [nsPeer(config.dapr.namespace)], ports: tcp(...Object.values(DAPR_PORTS)) },
        { to: [{ podSelector: app }], ports: tcp(DAPRD_INTERNAL_PORT) },
      ],
    }),
    policy(config, 'allow-kafka', {
      podSelector: app,
      policyTypes: ['Egress'],
      egress: [{ to: [nsPeer(config.kafka.namespace)], ports: tcp(PLAIN_PORT, TLS_PORT) }],
    }),
    policy(config, 'allow-database', {
      podSelector: app,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(POSTGRES_PORT) }],
    }),
    policy(config, 'allow-apiserver', {
      podSelector: app,
      policyTypes: ['Egress'],
      egress: [apiServerRule(config, apiEndpoints)],
    }),
  ];
}

/** The namespaces the policies' peers name, for the checkpoint to confirm they exist. */
export function peerNamespaces(config: Config): string[] {
  return ['kube-system', config.ingress.namespace, config.dapr.namespace, config.kafka.namespace];
}

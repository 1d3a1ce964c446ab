// RBAC (runbook T048–T051): a read-only ClusterRole, the CI/CD deployer Role bound in the app
// namespace only, and the GitHub Actions ServiceAccount with its token.
//
// The rules are exported as data: the pipeline phase cross-checks that every kubectl command
// its workflows run is allowed by DEPLOYER_RULES, and the tests turn them into an access
// matrix checked by the API server (SubjectAccessReview).
//
// Deliberate differences from the runbook: the deployer is a namespaced Role rather than a
// ClusterRole, so it cannot be bound in another namespace by mistake; it has no `create` or
// `delete` (the workflows patch existing objects: `kubectl set image`, `rollout restart`,
// server-side apply of objects this tool created), no access to Secrets, pods/exec or RBAC
// objects, and no `escalate`/`bind`/`impersonate` verbs.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from './yaml.js';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const DEPLOYER_ROLE = 'todo-deployer';
export const READONLY_CLUSTER_ROLE = 'todo-readonly';
export const CI_SERVICE_ACCOUNT = 'github-actions';
/** A long-lived token Secret the token controller fills (kubernetes.io/service-account-token). */
export const CI_TOKEN_SECRET = 'github-actions-token';

const READ = ['get', 'list', 'watch'];
const DEPLOY = ['get', 'list', 'watch', 'patch', 'update'];

/** What CI/CD may do in the app namespace. */
export const DEPLOYER_RULES: readonly PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: DEPLOY },
  { apiGroups: [''], resources: ['services', 'configmaps'], verbs: DEPLOY },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: DEPLOY },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: DEPLOY },
  // `kubectl rollout status` follows the Deployment's ReplicaSets and their pods.
  { apiGroups: ['apps'], resources: ['replicasets', 'deployments/status'], verbs: READ },
  { apiGroups: [''], resources: ['pods', 'events'], verbs: READ },
];

/** Read-only view of the platform, for people and dashboards; never Secrets. */
export const READONLY_RULES: readonly PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'namespaces',
      'nodes',
      'pods',
      'pods/log',
      'services',
      'endpoints',
      'configmaps',
      'events',
      'resourcequotas',
      'limitranges',
      'serviceaccounts',
      'persistentvolumeclaims',
    ],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
];

/** The user name the API server sees for the CI/CD ServiceAccount (for impersonation/SAR). */
export function ciUserName(config: Config): string {
  return `system:serviceaccount:${config.apps.namespace}:${CI_SERVICE_ACCOUNT}`;
}

export function rbacObjects(config: Config): KubeObject[] {
  const ns = config.apps.namespace;
  const labels = managedLabels('rbac');
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      // Not bound by todo-infra: bind it to the people who need it, e.g.
      //   kubectl create clusterrolebinding todo-readonly-alice \
      //     --clusterrole=todo-readonly --user=…
      metadata: { name: READONLY_CLUSTER_ROLE, labels },
      rules: copy(READONLY_RULES),
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: CI_SERVICE_ACCOUNT, namespace: ns, labels },
      // Its token is only used from outside the cluster; no pod should ever mount it.
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: DEPLOYER_ROLE, namespace: ns, labels },
      rules: copy(DEPLOYER_RULES),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: DEPLOYER_ROLE, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: DEPLOYER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: CI_SERVICE_ACCOUNT, namespace: ns }],
    },
  ];
}

function copy(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.map((r) => ({
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
  }));
}

/**
 * The long-lived token for GitHub Actions. Kubernetes no longer creates these automatically;
 * this Secret asks the token controller for one. Rotate by deleting the Secret and re-running
 * `todo-infra phase base`. The alternative without a stored long-lived token is the
 * TokenRequest API: `kubectl create token github-actions -n todo-app --duration=24h` run by an
 * admin, which expires and must be refreshed in the GitHub secret.
 */
export function ciTokenSecret(config: Config): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: CI_TOKEN_SECRET,
      namespace: config.apps.namespace,
      labels: managedLabels('rbac'),
      annotations: { 'kubernetes.io/service-account.name': CI_SERVICE_ACCOUNT },
    },
    type: 'kubernetes.io/service-account-token',
  };
}

// The order objects are applied in. Kubernetes has no transactions, so order is what makes a
// single apply succeed: a custom resource needs its CRD, a namespaced object its Namespace, a
// Deployment its ServiceAccount and ConfigMaps (else its pods fail until they appear), and a
// RoleBinding its Role. Admission webhooks go last so they cannot block the rest of the batch.
// Kinds we do not know (custom resources) come after every built-in kind: their operator's
// Deployment and RBAC are usually in the same batch. Within a tier the author's order is kept.
import type { KubeObject } from './types.js';

const TIERS: string[][] = [
  ['CustomResourceDefinition'],
  ['Namespace'],
  // Cluster-wide policy and RBAC that namespaced objects may depend on.
  ['PriorityClass', 'StorageClass', 'IngressClass', 'RuntimeClass', 'ClusterRole'],
  ['ClusterRoleBinding'],
  // Namespace guards first, so the objects after them are admitted under them.
  ['ResourceQuota', 'LimitRange', 'NetworkPolicy', 'PodDisruptionBudget'],
  ['ServiceAccount', 'Secret', 'ConfigMap', 'Role'],
  ['RoleBinding'],
  ['PersistentVolume', 'PersistentVolumeClaim', 'Service'],
  ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Pod', 'Job', 'CronJob'],
  ['HorizontalPodAutoscaler', 'Ingress'],
];
const LATE = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService'];

const CUSTOM_TIER = TIERS.length;
const LATE_TIER = TIERS.length + 1;

const tierOfKind = new Map<string, number>();
TIERS.forEach((kinds, tier) => kinds.forEach((kind) => tierOfKind.set(kind, tier)));
LATE.forEach((kind) => tierOfKind.set(kind, LATE_TIER));

/** Built-in kinds are matched only in their own groups, so a CRD kind named "Service" is custom. */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'policy',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'node.k8s.io',
  'autoscaling',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'apiregistration.k8s.io',
]);

export function applyTier(object: Pick<KubeObject, 'apiVersion' | 'kind'>): number {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  if (!BUILTIN_GROUPS.has(group)) return CUSTOM_TIER;
  return tierOfKind.get(object.kind) ?? CUSTOM_TIER;
}

/** A new array in apply order; stable, so objects of one tier keep the author's order. */
export function sortForApply<T extends Pick<KubeObject, 'apiVersion' | 'kind'>>(objects: T[]): T[] {
  return objects
    .map((object, index) => ({ object, index, tier: applyTier(object) }))
    .sort((a, b) => a.tier - b.tier || a.index - b.index)
    .map((entry) => entry.object);
}

/** The reverse, for deleting: custom resources before their CRDs, namespaces near the end. */
export function sortForDelete<T extends Pick<KubeObject, 'apiVersion' | 'kind'>>(
  objects: T[],
): T[] {
  return sortForApply(objects).reverse();
}

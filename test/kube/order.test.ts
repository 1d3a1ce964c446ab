import { describe, expect, it } from 'vitest';
import { applyTier, sortForApply, sortForDelete } from '../../src/kube/order.js';

const o = (apiVersion: string, kind: string, name = kind.toLowerCase()) => ({
  apiVersion,
  kind,
  metadata: { name },
});

describe('apply order', () => {
  it('puts CRDs, Namespaces, cluster RBAC, namespaced objects, then custom resources', () => {
    const input = [
      o('kafka.strimzi.io/v1', 'Kafka'),
      o('apps/v1', 'Deployment'),
      o('rbac.authorization.k8s.io/v1', 'RoleBinding'),
      o('v1', 'ServiceAccount'),
      o('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
      o('v1', 'Namespace'),
      o('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
      o('rbac.authorization.k8s.io/v1', 'ClusterRole'),
      o('v1', 'ResourceQuota'),
      o('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'),
      o('networking.k8s.io/v1', 'Ingress'),
      o('rbac.authorization.k8s.io/v1', 'Role'),
    ];
    expect(sortForApply(input).map((x) => x.kind)).toEqual([
      'CustomResourceDefinition',
      'Namespace',
      'ClusterRole',
      'ClusterRoleBinding',
      'ResourceQuota',
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'Deployment',
      'Ingress',
      'Kafka',
      'ValidatingWebhookConfiguration',
    ]);
  });

  it('keeps the author order within a tier and does not mutate the input', () => {
    const input = [o('v1', 'ConfigMap', 'b'), o('v1', 'Secret', 'a'), o('v1', 'ConfigMap', 'c')];
    const copy = [...input];
    expect(sortForApply(input).map((x) => x.metadata.name)).toEqual(['b', 'a', 'c']);
    expect(input).toEqual(copy);
  });

  it('treats a kind named like a built-in but in another group as a custom resource', () => {
    expect(applyTier(o('example.com/v1', 'Service'))).toBe(
      applyTier(o('dapr.io/v1alpha1', 'Component')),
    );
    expect(applyTier(o('v1', 'Service'))).toBeLessThan(applyTier(o('example.com/v1', 'Service')));
  });

  it('deletes in reverse: custom resources before their CRD, namespaces near the end', () => {
    const input = [
      o('v1', 'Namespace'),
      o('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
      o('kafka.strimzi.io/v1', 'KafkaNodePool'),
      o('apps/v1', 'Deployment'),
    ];
    expect(sortForDelete(input).map((x) => x.kind)).toEqual([
      'KafkaNodePool',
      'Deployment',
      'Namespace',
      'CustomResourceDefinition',
    ]);
  });
});

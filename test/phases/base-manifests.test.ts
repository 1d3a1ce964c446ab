// Offline checks of what the base phase builds and renders: Pod Security levels, quota sizing,
// RBAC rules as data, and that render output carries no secret value.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { basePhase } from '../../src/phases/base.js';
import { checkAppQuota, appNamespaceNeeds } from '../../src/manifests/base/budget.js';
import { namespaceObjects } from '../../src/manifests/base/namespaces.js';
import { bytes, milliCpu } from '../../src/manifests/base/quantity.js';
import { quotaObjects } from '../../src/manifests/base/quotas.js';
import { DEPLOYER_RULES, rbacObjects } from '../../src/manifests/base/rbac.js';
import { dbCredentialsSecret } from '../../src/manifests/base/secrets.js';
import { FREE_TIER } from '../../src/config/schema.js';
import { makeConfig } from './apps-harness.js';

const config = makeConfig({});

describe('base manifests', () => {
  it('labels every namespace with an enforced Pod Security level, restricted for the app', () => {
    const ns = namespaceObjects(config);
    expect(ns.map((n) => n.metadata.name)).toEqual([
      'todo-app',
      'ingress',
      'kafka',
      'dapr-system',
      'monitoring',
    ]);
    const level = (name: string) =>
      ns.find((n) => n.metadata.name === name)?.metadata.labels?.[
        'pod-security.kubernetes.io/enforce'
      ];
    expect(level('todo-app')).toBe('restricted');
    expect(level('ingress')).toBe('restricted');
    expect(level('monitoring')).toBe('restricted');
    expect(level('kafka')).toBe('baseline');
    for (const n of ns) {
      expect(n.metadata.labels?.['pod-security.kubernetes.io/warn']).toBe('restricted');
    }
    expect(ns[0]?.metadata.labels?.['dapr.io/enabled']).toBe('true');
  });

  it('follows hardening.podSecurity for the app namespace', () => {
    const baseline = makeConfig({ hardening: { podSecurity: 'baseline' } });
    const app = namespaceObjects(baseline)[0];
    expect(app?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  it('sizes the quotas so their requests fit one Always Free A1 node with room to spare', () => {
    const quotas = quotaObjects(config).filter((o) => o.kind === 'ResourceQuota');
    expect(quotas.map((q) => q.metadata.namespace)).toEqual(['todo-app', 'kafka', 'monitoring']);
    const hard = (q: (typeof quotas)[number]) => (q.spec as { hard: Record<string, string> }).hard;
    const cpu = quotas.reduce((a, q) => a + milliCpu(hard(q)['requests.cpu']!), 0);
    const mem = quotas.reduce((a, q) => a + bytes(hard(q)['requests.memory']!), 0);
    // The documented budget: quota'd namespaces get 1600m of the node's 2000m and < 6 GiB.
    expect(cpu).toBe(1600);
    expect(cpu).toBeLessThan(FREE_TIER.ocpus * 1000);
    expect(mem).toBeLessThan(8 * 2 ** 30);
    const limitRanges = quotaObjects(config).filter((o) => o.kind === 'LimitRange');
    expect(limitRanges).toHaveLength(3);
  });

  it('accepts the default app inside its quota and names the field when it does not fit', () => {
    expect(() => checkAppQuota(config)).not.toThrow();
    const needs = appNamespaceNeeds(config);
    expect(needs.reduce((a, n) => a + n.requestsCpu, 0)).toBe(750);
    const small = makeConfig({
      apps: {
        quotas: {
          app: {
            requests: { cpu: '500m', memory: '2Gi' },
            limits: { cpu: '4', memory: '4Gi' },
            pods: 16,
          },
        },
      },
    });
    expect(() => checkAppQuota(small)).toThrow(/quota cannot hold the app/);
    try {
      checkAppQuota(small);
    } catch (err) {
      expect((err as { details: string[] }).details[0]).toMatch(
        /^apps\.quotas\.app\.requests\.cpu: the app needs 750m .* allows 500m/,
      );
    }
  });

  it('exports the deployer rules as data with no secret, RBAC or create/delete access', () => {
    const all = DEPLOYER_RULES.flatMap((r) =>
      r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups[0]}/${res}:${v}`)),
    );
    expect(all).toContain('apps/deployments:patch');
    expect(all).toContain('/configmaps:update');
    expect(all.some((p) => p.includes('secrets'))).toBe(false);
    expect(all.some((p) => p.startsWith('rbac.authorization.k8s.io'))).toBe(false);
    expect(all.some((p) => /:(create|delete|escalate|bind|impersonate|\*)$/.test(p))).toBe(false);
    const role = rbacObjects(config).find((o) => o.kind === 'Role');
    expect(role?.metadata.namespace).toBe('todo-app');
    expect(rbacObjects(config).some((o) => o.kind === 'ClusterRoleBinding')).toBe(false);
  });

  it('renders the runbook layout with no secret value in it', () => {
    const secret = 'postgresql://u:s3cr3t-render-check@db:5432/todo';
    // Building the real Secret must not leak into render: render never sees the value.
    expect(JSON.stringify(dbCredentialsSecret(config, secret))).not.toContain(secret);
    const files = basePhase.render!(config);
    expect(files.map((f) => f.path)).toEqual([
      'infrastructure/k8s/namespaces/namespaces.yaml',
      'infrastructure/k8s/security/resource-quotas.yaml',
      'infrastructure/k8s/security/rbac.yaml',
      'infrastructure/k8s/secrets/secrets.yaml.example',
      'infrastructure/k8s/secrets/tls-secret.yaml.example',
    ]);
    for (const f of files) {
      expect(f.content).not.toContain('s3cr3t');
      for (const doc of parseAllDocuments(f.content)) expect(doc.errors).toEqual([]);
    }
    expect(basePhase.render!(config)).toEqual(files);
  });
});

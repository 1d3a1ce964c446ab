// Offline checks of the hardening phase's building blocks: label-selector semantics, the
// policies and what they are meant to select, the policy/pod comparison, workload identities,
// the ConfigMap scan, TLS and header checks, and the rendered files.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { selfSignedCert } from '../cluster/self-signed.ts';
import type { KubeObject } from '../../src/kube/types.js';
import {
  apiServerRule,
  networkPolicies,
  POLICY_TARGETS,
} from '../../src/manifests/hardening/network-policies.js';
import { checkPolicies, matchesSelector } from '../../src/manifests/hardening/policy-check.js';
import { workloadsOf } from '../../src/manifests/hardening/rbac-audit.js';
import {
  looksLikeCredentialKey,
  scanConfigMaps,
  secretValues,
} from '../../src/manifests/hardening/secret-scan.js';
import {
  checkTls,
  missingAnnotations,
  securityHeaderAnnotations,
} from '../../src/manifests/hardening/tls.js';
import { hardeningPhase } from '../../src/phases/hardening.js';
import { makeConfig } from './apps-harness.js';

const config = makeConfig({});

const pod = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'todo-app', labels },
});
const appPod = (name: string, component: string) =>
  pod(name, {
    'app.kubernetes.io/part-of': 'todo',
    'app.kubernetes.io/name': component,
  });
const ns = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
});
const NAMESPACES = ['kube-system', 'ingress', 'kafka', 'dapr-system', 'todo-app'].map(ns);

describe('label selectors', () => {
  it('follow Kubernetes semantics', () => {
    const l = { a: '1', b: '2' };
    expect(matchesSelector({}, l)).toBe(true);
    expect(matchesSelector(undefined, l)).toBe(false);
    expect(matchesSelector({ matchLabels: { a: '1' } }, l)).toBe(true);
    expect(matchesSelector({ matchLabels: { a: '2' } }, l)).toBe(false);
    const expr = (operator: string, values?: string[]) =>
      matchesSelector({ matchExpressions: [{ key: 'b', operator, values }] }, l);
    expect(expr('In', ['2', '3'])).toBe(true);
    expect(expr('In', ['3'])).toBe(false);
    expect(expr('NotIn', ['3'])).toBe(true);
    expect(expr('Exists')).toBe(true);
    expect(expr('DoesNotExist')).toBe(false);
    expect(
      matchesSelector({ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['x'] }] }, l),
    ).toBe(true);
  });
});

describe('network policies', () => {
  const policies = networkPolicies(config);
  const byName = (n: string) => policies.find((p) => p.metadata.name === n)?.spec as any;

  it('are one per intended target, default-deny first, in the app namespace', () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(Object.keys(POLICY_TARGETS));
    expect(policies.every((p) => p.metadata.namespace === 'todo-app')).toBe(true);
    expect(byName('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('open exactly the ports the platform uses', () => {
    const ports = (rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}`);
    expect(ports(byName('allow-dns').egress[0])).toEqual(['UDP/53', 'TCP/53']);
    expect(ports(byName('allow-ingress-to-frontend').ingress[0])).toEqual(['TCP/3000']);
    expect(byName('allow-ingress-to-frontend').ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } },
    ]);
    expect(ports(byName('allow-ingress-to-backend').ingress[0])).toEqual(['TCP/8000']);
    expect(ports(byName('allow-dapr').egress[0])).toEqual([
      'TCP/50001',
      'TCP/6500',
      'TCP/50005',
      'TCP/50006',
    ]);
    expect(ports(byName('allow-dapr').ingress[0])).toEqual(['TCP/50002']);
    expect(ports(byName('allow-kafka').egress[0])).toEqual(['TCP/9092', 'TCP/9093']);
    expect(ports(byName('allow-database').egress[0])).toEqual(['TCP/5432']);
  });

  it('narrow the API server rule to the live endpoints when known', () => {
    expect(apiServerRule(config, [])).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.0/16' } }],
      ports: [{ protocol: 'TCP', port: 6443 }],
    });
    expect(
      apiServerRule(config, [
        { ip: '10.0.2.5', port: 6443 },
        { ip: 'fd00::5', port: 6443 },
        { ip: '10.0.2.5', port: 12250 },
      ]),
    ).toEqual({
      to: [{ ipBlock: { cidr: '10.0.2.5/32' } }, { ipBlock: { cidr: 'fd00::5/128' } }],
      ports: [
        { protocol: 'TCP', port: 6443 },
        { protocol: 'TCP', port: 12250 },
      ],
    });
  });

  it('select the intended live pods, and a broken selector is named', () => {
    const pods = [
      appPod('frontend-1', 'frontend'),
      appPod('backend-1', 'backend'),
      appPod('audit-worker-1', 'audit-worker'),
      pod('debug', { run: 'debug' }),
    ];
    const ok = checkPolicies(policies, pods, NAMESPACES);
    expect(ok.problems).toEqual([]);
    expect(ok.selected['allow-ingress-to-backend']).toEqual(['backend-1']);
    expect(ok.selected['allow-kafka']).toEqual(['audit-worker-1', 'backend-1', 'frontend-1']);
    expect(ok.selected['default-deny']).toHaveLength(4);

    const broken = structuredClone(policies);
    (broken[2]!.spec as any).podSelector = { matchLabels: { 'app.kubernetes.io/name': 'front' } };
    (broken[5]!.spec as any).podSelector = {};
    const bad = checkPolicies(broken.slice(0, -1), pods, NAMESPACES.slice(1));
    expect(bad.problems).toEqual([
      'NetworkPolicy allow-dns names namespaces {"kubernetes.io/metadata.name":"kube-system"} ' +
        'that do not exist',
      'NetworkPolicy allow-ingress-to-frontend does not select frontend-1',
      'NetworkPolicy allow-kafka also selects debug, which it should not',
      'NetworkPolicy allow-apiserver is missing',
    ]);
  });
});

describe('workload identities', () => {
  const dep = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { template: { spec } },
  });
  it('resolve the ServiceAccount and whether a token is mounted', () => {
    const sas: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'backend' },
        automountServiceAccountToken: false,
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
    ];
    expect(
      workloadsOf(
        [
          dep('backend', { serviceAccountName: 'backend' }),
          dep('frontend', { serviceAccountName: 'frontend', automountServiceAccountToken: false }),
          dep('tool', {}),
          dep('override', { serviceAccountName: 'backend', automountServiceAccountToken: true }),
        ],
        sas,
      ),
    ).toEqual([
      { deployment: 'backend', serviceAccount: 'backend', automountOff: true },
      { deployment: 'frontend', serviceAccount: 'frontend', automountOff: true },
      { deployment: 'override', serviceAccount: 'backend', automountOff: false },
      { deployment: 'tool', serviceAccount: 'default', automountOff: false },
    ]);
  });
});

describe('ConfigMap secret scan', () => {
  const secrets = secretValues([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-credentials' },
      data: {
        'connection-string': Buffer.from('postgresql://u:pw-1234567@h/db').toString('base64'),
      },
    },
    // The public parts of a token Secret equal kube-root-ca.crt's content: never a finding.
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ci-token' },
      data: {
        'ca.crt': Buffer.from('-----BEGIN CERTIFICATE-----abc').toString('base64'),
        namespace: Buffer.from('todo-app').toString('base64'),
        token: Buffer.from('eyJhbGciOiJSUzI1NiJ9.payload.sig').toString('base64'),
      },
    },
  ]);
  const cm = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data,
  });

  it('names credential-like keys in any casing', () => {
    for (const k of [
      'password',
      'DB_PASSWORD',
      'dbPassword',
      'apiKey',
      'API_KEY',
      'client-secret',
      'connectionString',
      'AUTH_TOKEN',
      'dsn',
      'private.key',
    ]) {
      expect(looksLikeCredentialKey(k), k).toBe(true);
    }
    for (const k of ['LOG_LEVEL', 'ca.crt', 'tokenizer-mode', 'keyboard', 'PORT']) {
      expect(looksLikeCredentialKey(k), k).toBe(false);
    }
  });

  it('finds secret values, credential keys, URLs with passwords and private keys', () => {
    const leaks = scanConfigMaps(
      [
        cm('kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----abc' }),
        cm('settings', { LOG_LEVEL: 'info', url: 'see postgresql://u:pw-1234567@h/db here' }),
        cm('ci', { copy: 'eyJhbGciOiJSUzI1NiJ9.payload.sig' }),
        cm('other', {
          REDIS: 'redis://:hunter22@cache:6379',
          tls: '-----BEGIN EC PRIVATE KEY-----',
        }),
        cm('registered', { note: 'value prompt-secret-xyz' }),
      ],
      secrets,
      (t) => t.includes('prompt-secret-xyz'),
    );
    expect(leaks).toEqual([
      {
        configMap: 'settings',
        key: 'url',
        reason: 'contains the value of Secret db-credentials key connection-string',
      },
      { configMap: 'settings', key: 'url', reason: 'holds a URL with a password in it' },
      { configMap: 'ci', key: 'copy', reason: 'contains the value of Secret ci-token key token' },
      { configMap: 'other', key: 'REDIS', reason: 'holds a URL with a password in it' },
      { configMap: 'other', key: 'tls', reason: 'holds a private key' },
      { configMap: 'registered', key: 'note', reason: 'contains a value held as secret' },
    ]);
    expect(JSON.stringify(leaks)).not.toContain('pw-1234567');
  });
});

describe('TLS and headers', () => {
  const tlsConfig = makeConfig({ ingress: { host: 'todo.example.test', tls: { enabled: true } } });
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'todo' },
    spec: { tls: [{ hosts: ['todo.example.test'], secretName: 'todo-tls' }] },
  };
  const secret = (crt: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'todo-tls' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': 'a2V5' },
    ...extra,
  });

  it('accept a valid certificate for the host and name every other problem', () => {
    const good = selfSignedCert({ dns: 'todo.example.test', days: 30 }).cert;
    const other = selfSignedCert({ dns: 'else.example.test', days: 30 }).cert;
    expect(checkTls(tlsConfig, secret(good), ingress).problems).toEqual([]);
    const later = new Date(Date.now() + 60 * 86_400_000);
    expect(checkTls(tlsConfig, secret(good), ingress, later).problems[0]).toMatch(
      /^the certificate in Secret todo-app\/todo-tls expired on /,
    );
    expect(checkTls(tlsConfig, secret(other), ingress).problems[0]).toMatch(
      /does not cover todo.example.test \(subject CN=else.example.test\)/,
    );
    expect(
      checkTls(tlsConfig, secret(good, { type: 'Opaque', data: {} }), undefined).problems,
    ).toEqual([
      'Secret todo-app/todo-tls has type Opaque, not kubernetes.io/tls',
      'Secret todo-app/todo-tls has no tls.key',
      'Secret todo-app/todo-tls has no tls.crt',
      'the app Ingress does not exist (run `todo-infra phase apps`)',
    ]);
    expect(checkTls(tlsConfig, undefined, { ...ingress, spec: {} }).problems).toEqual([
      expect.stringMatching(/^Secret todo-app\/todo-tls does not exist/),
      'Ingress todo-app/todo has no tls entry for todo.example.test with secret todo-tls',
    ]);
  });

  it('ask for HSTS only with TLS, never for snippets', () => {
    expect(securityHeaderAnnotations(config)).toEqual({ 'nginx.org/server-tokens': 'False' });
    expect(securityHeaderAnnotations(tlsConfig)).toEqual({
      'nginx.org/server-tokens': 'False',
      'nginx.org/hsts': 'True',
      'nginx.org/hsts-max-age': '31536000',
      'nginx.org/hsts-include-subdomains': 'False',
    });
    const off = makeConfig({ hardening: { securityHeaders: false } });
    expect(securityHeaderAnnotations(off)).toEqual({});
    expect(missingAnnotations(tlsConfig, ingress)).toHaveLength(4);
    expect(JSON.stringify(securityHeaderAnnotations(tlsConfig))).not.toContain('snippet');
  });
});

describe('hardening render', () => {
  it('writes the policies and a README with the manual isolation test', () => {
    const files = hardeningPhase.render!(config);
    expect(files.map((f) => f.path)).toEqual([
      'infrastructure/k8s/security/network-policies.yaml',
      'infrastructure/k8s/security/README.md',
    ]);
    const docs = parseAllDocuments(files[0]!.content).map((d) => d.toJS());
    expect(docs).toEqual(networkPolicies(config));
    const readme = files[1]!.content;
    for (const text of [
      'flannel',
      'Calico',
      'wget',
      'kubectl auth can-i get secrets -n todo-app',
      '--as=system:serviceaccount:todo-app:backend',
      'kubectl create secret tls todo-tls',
      'nginx.org/hsts',
      'Enforcement needs a CNI',
    ]) {
      expect(readme).toContain(text);
    }
    expect(hardeningPhase.render!(config)).toEqual(files);
    for (const f of files) {
      for (const line of f.content.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    }
    const off = makeConfig({ hardening: { networkPolicies: false } });
    expect(hardeningPhase.render!(off).map((f) => f.path)).toEqual([
      'infrastructure/k8s/security/README.md',
    ]);
  });
});

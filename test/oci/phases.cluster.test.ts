// The kubeconfig and registry phases against the real local control plane (OCI APIs from the
// simulator): the written kubeconfig's exec plugin is really run by the Kubernetes client to
// reach the API server and see the nodes Ready, and the pull secret really lands in the app
// namespace with a correct .dockerconfigjson — while the registry token never shows up in the
// -vv log or the phase outputs.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretsForTests } from '../../src/core/redact.js';
import { createKube } from '../../src/kube/index.js';
import { createKubeconfigPhase } from '../../src/phases/kubeconfig.js';
import { createRegistryPhase } from '../../src/phases/registry.js';
import { useCluster } from '../cluster/fixture.ts';
import { readKubeconfig } from '../cluster/kube-client.ts';
import { FAST_RETRY, setup, type Fixture } from './fixtures.ts';
import { phaseHarness, simConfig, terraformOutputs, type PhaseHarness } from './phase-harness.ts';
import { simOcid } from './oci-simulator-state.ts';

const cluster = useCluster();
let fx: Fixture;
let h: PhaseHarness | undefined;
let clusterId: string;

beforeEach(async () => {
  fx = await setup();
  clusterId = simOcid('cluster', 'eu-frankfurt-1');
  const creds = readKubeconfig(cluster.kubeconfigPath);
  // OKE's kubeconfig for this "cluster" points at the local API server.
  fx.sim.state.clusters.set(clusterId, {
    id: clusterId,
    server: creds.server,
    caData: creds.ca.toString('base64'),
  });
});
afterEach(async () => {
  h?.cleanup();
  h = undefined;
  clearSecretsForTests();
  delete process.env.TODO_INFRA_REGISTRY_TOKEN;
  await fx.cleanup();
});

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

/** A service account bound to cluster-admin; its token stands in for OKE's token check. */
async function serviceAccountToken(): Promise<string> {
  const c = cluster.client();
  const name = unique('oci-kubeconfig');
  await c.json('POST', '/api/v1/namespaces/default/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name },
  });
  await c.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
  });
  const tr = await c.json('POST', `/api/v1/namespaces/default/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  return tr.status.token as string;
}

/**
 * The exec plugin the kubeconfig names, with the command swapped for a script that records
 * how it was invoked and answers with a token this API server accepts. (The API server cannot
 * validate a real OKE token; the token's own signature is verified in token.test.ts.)
 */
function recordingPlugin(token: string) {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-exec-'));
  const record = join(dir, 'calls.jsonl');
  const script = join(dir, 'plugin.mjs');
  writeFileSync(
    script,
    [
      "import { appendFileSync } from 'node:fs';",
      `appendFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2),`,
      '  stateDir: process.env.TODO_INFRA_STATE_DIR }) + "\\n");',
      'process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1",',
      `  kind: "ExecCredential", status: { token: ${JSON.stringify(token)} } }));`,
    ].join('\n'),
  );
  appendFileSync(record, '');
  const calls = () =>
    readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { argv: string[]; stateDir: string });
  return { exec: { command: process.execPath, args: [script] }, calls };
}

describe('kubeconfig phase on the local control plane', () => {
  it('reaches the API server through the exec plugin and sees the nodes Ready', async () => {
    // The shared test cluster may have more fake nodes than Always Free allows; this test is
    // about counting Ready nodes, not the allowance.
    h = phaseHarness(
      simConfig(fx, {
        cluster: { nodeCount: cluster.nodeNames.length, allowBeyondFreeTier: true },
      }),
    );
    h.pretend('terraform', terraformOutputs(fx, clusterId));
    const plugin = recordingPlugin(await serviceAccountToken());
    const phase = createKubeconfigPhase({
      exec: plugin.exec,
      retry: FAST_RETRY,
      nodesReadyTimeoutMs: 60_000,
    });
    const out = await phase.run(h.context(phase));
    expect(out.server).toBe(cluster.server);
    const calls = plugin.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]).toEqual({
      argv: [
        'token',
        '--cluster-id',
        clusterId,
        '--region',
        'eu-frankfurt-1',
        '--profile',
        'DEFAULT',
        '--oci-config-file',
        fx.configFile,
        '--oci-endpoint',
        fx.sim.url,
      ],
      stateDir: h.stateDir,
    });
    h.pretend('kubeconfig', out);
    expect(await phase.checkpoint(h.context(phase))).toEqual({
      ok: true,
      detail:
        `API answers through ${join(h.stateDir, 'kubeconfig')}; ` +
        `${cluster.nodeNames.length} node(s) Ready`,
    });
  });

  it('checkpoint fails when more nodes are expected than are Ready', async () => {
    h = phaseHarness(simConfig(fx, { cluster: { nodeCount: 1 } }));
    h.pretend('terraform', terraformOutputs(fx, clusterId));
    const plugin = recordingPlugin(await serviceAccountToken());
    await createKubeconfigPhase({ exec: plugin.exec, retry: FAST_RETRY }).run(
      h.context(createKubeconfigPhase()),
    );
    // One node more than the control plane has.
    const wanting = phaseHarness(
      simConfig(fx, {
        cluster: {
          nodeCount: cluster.nodeNames.length + 1,
          ocpusPerNode: 1,
          memoryGbPerNode: 6,
          allowBeyondFreeTier: true,
        },
      }),
    );
    try {
      const { cpSync } = await import('node:fs');
      cpSync(join(h.stateDir, 'kubeconfig'), join(wanting.stateDir, 'kubeconfig'), { mode: 0 });
      const phase = createKubeconfigPhase({ checkpointTimeoutMs: 2_000 });
      const res = await phase.checkpoint(wanting.context(phase));
      expect(res.ok).toBe(false);
      expect(res.detail).toMatch(/^API server or nodes not ready: /);
    } finally {
      wanting.cleanup();
    }
  });
});

describe('registry phase on the local control plane', () => {
  async function prepare(extra: Record<string, unknown>) {
    const ns = unique('oci-app');
    await cluster.client().json('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    h = phaseHarness(simConfig(fx, { apps: { namespace: ns }, ...extra }), {
      path: cluster.kubeconfigPath,
    });
    h.pretend('terraform', terraformOutputs(fx, clusterId));
    return ns;
  }

  async function dockerConfig(ns: string) {
    const secret = await cluster.client().json('GET', `/api/v1/namespaces/${ns}/secrets/ocir-pull`);
    return {
      type: secret.type as string,
      doc: JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8')),
    };
  }

  it('creates repositories and a token, applies a correct pull secret, leaks the token nowhere', async () => {
    const ns = await prepare({ registry: { createAuthToken: true } });
    // As in `up`, the Kubernetes client has been used before the OCIR POSTs: it replaces the
    // process-wide fetch dispatcher, which used to break them (see src/oci/http.ts).
    const k = await createKube({ kubeconfigPath: cluster.kubeconfigPath, env: {} });
    expect(await k.serverVersion()).toBe(cluster.version);
    await k.close();
    const phase = createRegistryPhase({ retry: FAST_RETRY });
    const out = await phase.run(h!.context(phase));
    const token = fx.sim.state.authTokens[0]?.token ?? '';
    expect(token.length).toBeGreaterThan(10);
    const user = `${fx.sim.state.namespace}/${fx.sim.state.userName}`;
    expect(out).toEqual({
      registryHost: 'fra.ocir.io',
      registryNamespace: fx.sim.state.namespace,
      imagePrefix: `fra.ocir.io/${fx.sim.state.namespace}`,
      pullSecretName: 'ocir-pull',
      username: user,
      repositories: [
        { name: 'todo-frontend', action: 'created' },
        { name: 'todo-backend', action: 'created' },
        { name: 'todo-worker', action: 'created' },
      ],
    });
    const { type, doc } = await dockerConfig(ns);
    expect(type).toBe('kubernetes.io/dockerconfigjson');
    expect(doc).toEqual({
      auths: {
        'fra.ocir.io': {
          username: user,
          password: token,
          auth: Buffer.from(`${user}:${token}`).toString('base64'),
        },
      },
    });
    // Nowhere else: not in the -vv log (API calls included), not in the outputs/journal.
    h!.pretend('registry', out);
    const b64 = Buffer.from(token).toString('base64');
    for (const text of [h!.lines.join('\n'), h!.journalText(), JSON.stringify(out)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(b64);
    }
    expect(h!.lines.some((l) => l.includes('OCI createAuthToken'))).toBe(true);
    expect(await phase.checkpoint(h!.context(phase))).toEqual({
      ok: true,
      detail: `3 repositories; Secret ${ns}/ocir-pull logs in to fra.ocir.io as ${user}`,
    });

    // A re-run keeps the secret instead of minting a second token (two per user at most).
    const again = await phase.run(h!.context(phase));
    expect(fx.sim.state.authTokens).toHaveLength(1);
    expect((again.repositories as { action: string }[]).map((r) => r.action)).toEqual([
      'exists',
      'exists',
      'exists',
    ]);
    expect((await dockerConfig(ns)).doc.auths['fra.ocir.io'].password).toBe(token);

    await cluster.client().json('DELETE', `/api/v1/namespaces/${ns}/secrets/ocir-pull`);
    expect(await phase.checkpoint(h!.context(phase))).toEqual({
      ok: false,
      detail: `Secret ${ns}/ocir-pull does not exist`,
    });
  });

  it('uses the configured token source when not creating one', async () => {
    process.env.TODO_INFRA_REGISTRY_TOKEN = 'from-env-Token-123';
    const ns = await prepare({ registry: { username: 'ns1/robot' } });
    const phase = createRegistryPhase({ retry: FAST_RETRY });
    await phase.run(h!.context(phase));
    expect(fx.sim.state.authTokens).toHaveLength(0);
    const { doc } = await dockerConfig(ns);
    expect(doc.auths['fra.ocir.io']).toMatchObject({
      username: 'ns1/robot',
      password: 'from-env-Token-123',
    });
    expect(h!.lines.join('\n')).not.toContain('from-env-Token-123');
  });

  it('checkpoint reports a missing repository', async () => {
    await prepare({});
    const phase = createRegistryPhase({ retry: FAST_RETRY });
    expect(await phase.checkpoint(h!.context(phase))).toEqual({
      ok: false,
      detail: 'missing repositories: todo-frontend, todo-backend, todo-worker',
    });
  });
});

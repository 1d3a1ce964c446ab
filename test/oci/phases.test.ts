// The kubeconfig and registry phases without a cluster: plans, inputs (never a secret value),
// missing prerequisites, and the kubeconfig phase's run up to the node wait.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, WaitOptions } from '../../src/kube/types.js';
import { createKubeconfigPhase } from '../../src/phases/kubeconfig.js';
import { createRegistryPhase } from '../../src/phases/registry.js';
import { FAST_RETRY, setup, type Fixture } from './fixtures.ts';
import { phaseHarness, simConfig, terraformOutputs, type PhaseHarness } from './phase-harness.ts';
import { simOcid } from './oci-simulator-state.ts';

let fx: Fixture;
let h: PhaseHarness;
let clusterId: string;
let closed = 0;

beforeEach(async () => {
  closed = 0;
  fx = await setup();
  clusterId = simOcid('cluster', 'eu-frankfurt-1');
  fx.sim.state.clusters.set(clusterId, {
    id: clusterId,
    server: 'https://203.0.113.10:6443',
    caData: Buffer.from('ca').toString('base64'),
  });
});
afterEach(async () => {
  h?.cleanup();
  clearSecretsForTests();
  delete process.env.TODO_INFRA_REGISTRY_TOKEN;
  await fx.cleanup();
});

/** Records the node wait instead of contacting a cluster (the cluster test does that). */
function recordingKube(waits: { count: number; options: WaitOptions }[], fail?: Error) {
  return async () =>
    ({
      waitForNodesReady: async (count: number, options: WaitOptions) => {
        waits.push({ count, options });
        if (fail) throw fail;
      },
      close: async () => {
        closed += 1;
      },
    }) as unknown as Kube;
}

describe('kubeconfig phase', () => {
  it('plans the file, the node wait, and the merge only when asked', async () => {
    h = phaseHarness(simConfig(fx));
    const plain = await createKubeconfigPhase().plan(h.context(createKubeconfigPhase()));
    expect(plain.map((p) => [p.action, p.what])).toEqual([
      ['write', join(h.stateDir, 'kubeconfig')],
      ['wait', '1 node(s) Ready'],
    ]);
    const merging = createKubeconfigPhase({ merge: true });
    expect((await merging.plan(h.context(merging))).map((p) => p.what)).toContain('~/.kube/config');
  });

  it('fails with KUBECONFIG_NO_CLUSTER before terraform has run', async () => {
    h = phaseHarness(simConfig(fx));
    const phase = createKubeconfigPhase();
    await expect(phase.run(h.context(phase))).rejects.toMatchObject({
      code: 'KUBECONFIG_NO_CLUSTER',
    });
  });

  it('writes the kubeconfig for the terraform cluster and waits for nodeCount nodes', async () => {
    h = phaseHarness(simConfig(fx, { cluster: { nodeCount: 1 } }));
    h.pretend('terraform', terraformOutputs(fx, clusterId));
    const waits: { count: number; options: WaitOptions }[] = [];
    const phase = createKubeconfigPhase({
      kube: recordingKube(waits),
      retry: FAST_RETRY,
      nodesReadyTimeoutMs: 60_000,
    });
    const inputs = phase.inputs(h.context(phase)) as Record<string, unknown>;
    expect(inputs).toMatchObject({
      clusterId,
      region: 'eu-frankfurt-1',
      nodeCount: 1,
      merge: false,
    });
    const out = await phase.run(h.context(phase));
    expect(out).toMatchObject({
      kubeconfigPath: join(h.stateDir, 'kubeconfig'),
      context: 'todo-infra-todo-oke',
      clusterId,
      server: 'https://203.0.113.10:6443',
    });
    expect(waits.map((w) => [w.count, w.options.timeoutMs])).toEqual([[1, 60_000]]);
    expect(closed).toBe(1);
  });

  it('fails when the nodes do not become Ready', async () => {
    h = phaseHarness(simConfig(fx));
    h.pretend('terraform', terraformOutputs(fx, clusterId));
    const phase = createKubeconfigPhase({
      retry: FAST_RETRY,
      kube: recordingKube(
        [],
        Object.assign(new Error('0 of 1 nodes Ready'), { code: 'KUBE_TIMEOUT' }),
      ),
    });
    await expect(phase.run(h.context(phase))).rejects.toMatchObject({ code: 'KUBE_TIMEOUT' });
  });

  it('checkpoint: fails without the file and when the file is readable by others', async () => {
    h = phaseHarness(simConfig(fx));
    const phase = createKubeconfigPhase({ kube: recordingKube([]) });
    expect(await phase.checkpoint(h.context(phase))).toMatchObject({
      ok: false,
      detail: `${join(h.stateDir, 'kubeconfig')} does not exist`,
    });
    writeFileSync(join(h.stateDir, 'kubeconfig'), 'apiVersion: v1\n');
    chmodSync(join(h.stateDir, 'kubeconfig'), 0o644);
    expect((await phase.checkpoint(h.context(phase))).detail).toContain('mode 644, not 600');
  });
});

describe('registry phase', () => {
  it('plans repositories, the auth token (when asked) and the pull secret', async () => {
    h = phaseHarness(simConfig(fx, { registry: { createAuthToken: true } }));
    const phase = createRegistryPhase();
    expect((await phase.plan(h.context(phase))).map((p) => `${p.action} ${p.what}`)).toEqual([
      'create OCIR repository todo-frontend',
      'create OCIR repository todo-backend',
      'create OCIR repository todo-worker',
      'create OCIR auth token for the profile user',
      'apply Secret todo-app/ocir-pull',
    ]);
  });

  it('hashes the password source, never its value', async () => {
    process.env.TODO_INFRA_REGISTRY_TOKEN = 'super-secret-registry-token';
    h = phaseHarness(simConfig(fx));
    const phase = createRegistryPhase();
    const inputs = JSON.stringify(phase.inputs(h.context(phase)));
    expect(inputs).toContain('"password":{"fromEnv":"TODO_INFRA_REGISTRY_TOKEN"}');
    expect(inputs).not.toContain('super-secret-registry-token');
  });
});

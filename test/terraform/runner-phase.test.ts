// The terraform phase: its inputs are stable (the engine skips the phase on an unchanged hash
// plus a passing checkpoint), its dry-run plan touches nothing, its outputs are validated, and
// its checkpoint takes pluggable cluster checks. The engine run uses the real runPhases,
// journal and terraform binary with the fixture module.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { memoryLogger } from '../../src/core/log.js';
import { contextFactory } from '../../src/engine/context.js';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { hashInputs } from '../../src/engine/hash.js';
import { Journal } from '../../src/engine/journal.js';
import type { Phase } from '../../src/engine/phase.js';
import { runPhases } from '../../src/engine/runner.js';
import {
  createTerraformPhase,
  MODULE_RESOURCES,
  type TerraformPhaseDeps,
} from '../../src/phases/terraform.js';
import { fixtureModule, makeConfig, repoRoot, scratchState } from './runner-helpers.js';

function context(phase: Phase, config: Config, stateDir: string, journalDir = stateDir) {
  const { logger, lines } = memoryLogger(2);
  const events = new EventBus();
  const make = contextFactory({
    config,
    stateDir,
    journal: Journal.load(journalDir),
    events,
    log: logger,
    signal: new AbortController().signal,
    interactive: false,
    kube: {},
  });
  return { ctx: make(phase), lines, events };
}

const fixtureDeps: TerraformPhaseDeps = { moduleDir: fixtureModule };

describe('inputs', () => {
  const phase = createTerraformPhase(fixtureDeps);
  const inputsOf = (p: Phase, config: Config) => p.inputs(context(p, config, scratchState()).ctx);
  const hash = (config: Config) => hashInputs(inputsOf(phase, config));

  test('the same config gives the same inputs, whatever order it was written in', () => {
    const a = makeConfig({
      cluster: { nodeCount: 1, memoryGbPerNode: 6 },
      network: { vcnCidr: '10.0.0.0/16' },
    });
    const b = makeConfig({
      network: { vcnCidr: '10.0.0.0/16' },
      cluster: { memoryGbPerNode: 6, nodeCount: 1 },
    });
    expect(hash(a)).toBe(hash(b));
    expect(hash(a)).toBe(hash(a));
  });

  test('anything that changes the outcome changes the inputs', () => {
    const base = hash(makeConfig());
    expect(hash(makeConfig({ cluster: { memoryGbPerNode: 6 } }))).not.toBe(base);
    expect(hash(makeConfig({ cluster: { kubernetesVersion: 'v1.33.1' } }))).not.toBe(base);
    const bucket = { type: 'oci' as const, bucket: 'b', namespace: 'n' };
    expect(hash(makeConfig({ terraform: { backend: bucket } }))).not.toBe(base);
    // Settings that do not reach terraform do not.
    expect(hash(makeConfig({ kafka: { replicas: 3 } }))).toBe(base);
  });

  test('a changed module file changes the inputs', () => {
    const copy = mkdtempSync(join(tmpdir(), 'tf-module-'));
    cpSync(fixtureModule, copy, { recursive: true });
    const config = makeConfig();
    const before = hashInputs(inputsOf(createTerraformPhase({ moduleDir: copy }), config));
    const file = join(copy, 'outputs.tf');
    writeFileSync(file, readFileSync(file, 'utf8') + '\n# changed\n');
    const after = hashInputs(inputsOf(createTerraformPhase({ moduleDir: copy }), config));
    expect(after).not.toBe(before);
  });

  test('the inputs hold no credentials, only where they come from', () => {
    const inputs = JSON.stringify(inputsOf(phase, makeConfig({ oci: { profile: 'CI' } })));
    expect(inputs).toContain('"oci_config_profile":"CI"');
    expect(inputs).not.toMatch(/fingerprint|key_file|pass_phrase|private_key/);
  });
});

describe('dry-run plan', () => {
  test("lists the module's resources without touching the state dir or running terraform", async () => {
    const phase = createTerraformPhase();
    const stateDir = join(scratchState(), 'never-created');
    // A binary that does not exist proves nothing is executed.
    const config = makeConfig({
      terraform: { binary: '/nonexistent/terraform' },
      oci: { createCompartment: 'todo' },
    });
    const items = await phase.plan(context(phase, config, stateDir, scratchState()).ctx);
    expect(existsSync(stateDir)).toBe(false);
    const creates = items.filter((i) => i.action === 'create').map((i) => i.what);
    expect(creates).toContain('compartment todo');
    expect(creates).toContain('VCN 10.0.0.0/16');
    expect(creates).toContain(
      'OKE BASIC cluster todo-oke (Kubernetes v1.34.1, public API endpoint)',
    );
    expect(creates).toContain(
      'node pool: 1 × VM.Standard.A1.Flex (2 OCPU, 8 GB, 50 GB boot volume)',
    );
    const run = items.find((i) => i.action === 'run');
    expect(run?.detail).toContain(join(stateDir, 'terraform', 'terraform.tfstate'));
  });

  test('the static list covers exactly the resource types in terraform/*.tf', () => {
    const dir = join(repoRoot, 'terraform');
    const types = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/^resource "([a-z0-9_]+)"/gm)) types.add(m[1]!);
    }
    expect(new Set(Object.keys(MODULE_RESOURCES))).toEqual(types);
  });
});

describe('run and checkpoint', () => {
  test(
    'outputs validated and recorded; checkpoint uses the plugged-in checks',
    { timeout: 120_000 },
    async () => {
      const stateDir = scratchState();
      const config = makeConfig();
      let clusterState = 'ACTIVE';
      let ready = 1;
      const phase = createTerraformPhase({
        ...fixtureDeps,
        clusterState: async (_ctx, o) =>
          o.clusterId.startsWith('ocid1.cluster.') ? clusterState : 'UNKNOWN',
        readyNodes: async () => ready,
      });
      const { ctx } = context(phase, config, stateDir);
      const before = await phase.checkpoint(ctx);
      expect(before.ok).toBe(false);
      expect(before.detail).toMatch(/nothing applied|no outputs|cannot read/);

      const outputs = await phase.run(ctx);
      expect(outputs).toMatchObject({
        clusterEndpoint: '203.0.113.10:6443',
        nodeCount: 1,
        region: 'eu-frankfurt-1',
        stateLocation: join(stateDir, 'terraform', 'terraform.tfstate'),
        placement: [],
      });
      expect(String(outputs.clusterId)).toMatch(/^ocid1\.cluster\./);

      const ok = await phase.checkpoint(ctx);
      expect(ok.ok).toBe(true);
      expect(ok.detail).toContain('ACTIVE; 1/1 node(s) Ready');
      clusterState = 'DELETED';
      const deleted = await phase.checkpoint(ctx);
      expect(deleted.ok).toBe(false);
      expect(deleted.detail).toContain('is DELETED, not ACTIVE');
      clusterState = 'ACTIVE';
      ready = 0;
      expect(await phase.checkpoint(ctx)).toEqual({ ok: false, detail: '0 of 1 node(s) Ready' });

      const unwired = createTerraformPhase(fixtureDeps);
      const plain = await unwired.checkpoint(context(unwired, config, stateDir).ctx);
      expect(plain.ok).toBe(true);
      expect(plain.detail).toContain('lifecycle not checked (no OCI check wired)');
    },
  );
});

describe('with the engine', () => {
  test(
    'unchanged inputs + passing checkpoint: no terraform init/plan/apply',
    { timeout: 120_000 },
    async () => {
      const stateDir = scratchState();
      const phase = createTerraformPhase({ ...fixtureDeps, clusterState: async () => 'ACTIVE' });
      const run = async (config: Config) => {
        const journal = Journal.load(stateDir);
        const events = new EventBus();
        const seen: EngineEvent[] = [];
        events.on((e) => seen.push(e));
        const { logger, lines } = memoryLogger(2);
        const signal = new AbortController().signal;
        const make = contextFactory({
          config,
          stateDir,
          journal,
          events,
          log: logger,
          signal,
          interactive: false,
          kube: {},
        });
        const summary = await runPhases({
          all: [phase],
          selected: ['terraform'],
          journal,
          events,
          target: 'oke',
          signal,
          makeContext: make,
        });
        const ran = lines.filter((l) => /running: .*terraform (init|plan|apply)/.test(l));
        return { summary, seen, ran, journal };
      };

      const first = await run(makeConfig());
      expect(first.summary.succeeded).toEqual(['terraform']);
      expect(first.ran.length).toBe(3);
      expect(first.journal.get('terraform')?.outputs).toMatchObject({ nodeCount: 1 });

      const second = await run(makeConfig());
      expect(second.summary.skipped).toEqual(['terraform']);
      expect(second.seen.find((e) => e.type === 'phase-skip')).toMatchObject({
        reason: 'unchanged',
      });
      expect(second.ran).toEqual([]);

      const third = await run(makeConfig({ cluster: { memoryGbPerNode: 6 } }));
      expect(third.summary.succeeded).toEqual(['terraform']);
      expect(third.ran.length).toBe(3);
    },
  );
});

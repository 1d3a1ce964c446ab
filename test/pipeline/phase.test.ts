// Phase pipeline through the engine's own PhaseContext: what it plans, writes and verifies
// in a directory, and that a user's README text survives.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { isTodoInfraError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/log.js';
import { contextFactory } from '../../src/engine/context.js';
import { EventBus } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import type { PhaseContext } from '../../src/engine/phase.js';
import { pipelinePhase } from '../../src/phases/pipeline.js';
import { CONFIG_INPUTS } from './helpers.js';

function setup(name = 'default'): { config: Config; ctx: PhaseContext; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'todo-infra-pipeline-phase-'));
  const input = CONFIG_INPUTS[name]!;
  const pipeline = { ...(input.pipeline ?? {}), outDir: out };
  const config = configSchema.parse({ ...input, pipeline });
  const stateDir = mkdtempSync(join(tmpdir(), 'todo-infra-pipeline-state-'));
  const factory = contextFactory({
    config,
    stateDir,
    journal: Journal.load(stateDir),
    events: new EventBus(),
    log: memoryLogger(2).logger,
    signal: new AbortController().signal,
    interactive: false,
    kube: {},
  });
  return { config, ctx: factory(pipelinePhase), out };
}

const FILES = [
  '.github/workflows/ci.yaml',
  '.github/workflows/cd-dev.yaml',
  '.github/workflows/cd-prod.yaml',
  'infrastructure/README.md',
];

describe('phase pipeline', () => {
  it('is a no-cluster phase after preflight covering T102–T120', () => {
    expect(pipelinePhase.needs).toEqual(['preflight']);
    expect(pipelinePhase.cloudOnly).toBeFalsy();
    expect(pipelinePhase.runbook[0]).toBe('T102');
    expect(pipelinePhase.runbook.at(-1)).toBe('T120');
    expect(pipelinePhase.runbook).toHaveLength(19);
  });

  it('plans, writes exactly what render returns, then verifies and plans nothing new', async () => {
    const { config, ctx, out } = setup('monorepo');
    expect((await pipelinePhase.checkpoint(ctx)).ok).toBe(false);
    const plan = await pipelinePhase.plan(ctx);
    expect(plan.map((p) => p.detail)).toEqual(['create', 'create', 'create', 'create']);
    expect(plan.map((p) => p.what)).toEqual(FILES.map((f) => join(out, f)));
    expect(FILES.some((f) => existsSync(join(out, f)))).toBe(false); // plan touched nothing

    const outputs = await pipelinePhase.run(ctx);
    expect(outputs.written).toEqual(FILES);
    for (const f of pipelinePhase.render!(config)) {
      expect(readFileSync(join(out, f.path), 'utf8'), f.path).toBe(f.content);
    }
    expect(await pipelinePhase.checkpoint(ctx)).toMatchObject({ ok: true });
    expect((await pipelinePhase.plan(ctx)).map((p) => p.detail)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged (only the todo-infra:pipeline section)',
    ]);
    expect((await pipelinePhase.run(ctx)).written).toEqual([]);
  });

  it("keeps the user's own README text and replaces only its section", async () => {
    const { ctx, out } = setup();
    mkdirSync(join(out, 'infrastructure'), { recursive: true });
    const mine = '# Our platform\n\nHand-written runbook notes.\n';
    writeFileSync(join(out, 'infrastructure/README.md'), mine);
    await pipelinePhase.run(ctx);
    const first = readFileSync(join(out, 'infrastructure/README.md'), 'utf8');
    expect(first.startsWith(mine.trimEnd())).toBe(true);
    writeFileSync(join(out, 'infrastructure/README.md'), `${first}\n## Later notes\n\nkept\n`);
    expect(await pipelinePhase.checkpoint(ctx)).toMatchObject({ ok: true });
    await pipelinePhase.run(ctx);
    const second = readFileSync(join(out, 'infrastructure/README.md'), 'utf8');
    expect(second).toContain('Hand-written runbook notes.');
    expect(second).toContain('## Later notes\n\nkept\n');
  });

  it('notices a hand-edited workflow and puts the rendered one back', async () => {
    const { ctx, out } = setup();
    await pipelinePhase.run(ctx);
    const path = join(out, '.github/workflows/cd-prod.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('kubectl rollout undo', 'true'));
    const check = await pipelinePhase.checkpoint(ctx);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('cd-prod.yaml differs from the render');
    expect((await pipelinePhase.run(ctx)).written).toEqual(['.github/workflows/cd-prod.yaml']);
    expect(await pipelinePhase.checkpoint(ctx)).toMatchObject({ ok: true });
  });

  it('refuses an outDir that is a file, naming the config key', async () => {
    const { ctx, out } = setup();
    const file = join(out, 'not-a-dir');
    writeFileSync(file, 'x');
    const bad = { ...ctx, config: configSchema.parse({ pipeline: { outDir: file } }) };
    await expect(pipelinePhase.run(bad)).rejects.toSatisfy(
      (err: unknown) =>
        isTodoInfraError(err) &&
        err.code === 'PIPELINE_OUT_DIR' &&
        err.hint!.includes('pipeline.outDir'),
    );
  });
});

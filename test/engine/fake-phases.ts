// Phase objects for exercising the runner, which is the unit under test here: each records what
// the runner asked of it and can be held at any point by a deferred the test controls.
import { loadConfig } from '../../src/config/load.js';
import { memoryLogger } from '../../src/core/log.js';
import { contextFactory } from '../../src/engine/context.js';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PhaseId } from '../../src/engine/phase.js';
import { runPhases, type RunOptions } from '../../src/engine/runner.js';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface FakeOptions {
  cloudOnly?: boolean;
  inputs?: () => unknown;
  /** Runs inside run(); defaults to returning { ran: id }. */
  work?: (ctx: PhaseContext) => Promise<Outputs>;
  checkpoint?: () => CheckResult | Promise<CheckResult>;
}

export interface FakePhase extends Phase {
  runs: number;
  checks: number;
  /** Resolves when run() is entered (each time). */
  entered: Deferred;
}

export function fake(id: PhaseId, needs: PhaseId[], options: FakeOptions = {}): FakePhase {
  const phase: FakePhase = {
    id,
    title: `fake ${id}`,
    needs,
    runbook: [],
    cloudOnly: options.cloudOnly,
    runs: 0,
    checks: 0,
    entered: deferred(),
    inputs: () => (options.inputs ? options.inputs() : { id }),
    plan: async () => [],
    async run(ctx) {
      phase.runs += 1;
      phase.entered.resolve();
      return options.work ? options.work(ctx) : { ran: id };
    },
    async checkpoint() {
      phase.checks += 1;
      return options.checkpoint ? options.checkpoint() : { ok: true, detail: `${id} ok` };
    },
  };
  return phase;
}

export interface Harness {
  journal: Journal;
  events: EngineEvent[];
  run(overrides?: Partial<RunOptions>): ReturnType<typeof runPhases>;
}

/** A runner over `phases` with a real journal in `stateDir` and the engine's own context. */
export function harness(
  stateDir: string,
  phases: Phase[],
  target: 'oke' | 'existing' = 'oke',
): Harness {
  const journal = Journal.load(stateDir);
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  bus.on((e) => events.push(e));
  const { config } = loadConfig({ skipFile: true, env: {} });
  return {
    journal,
    events,
    run(overrides = {}) {
      const signal = overrides.signal ?? new AbortController().signal;
      const makeContext = contextFactory({
        config,
        stateDir,
        journal,
        events: bus,
        log: memoryLogger().logger,
        signal,
        interactive: false,
        kube: {},
      });
      return runPhases({
        all: phases,
        selected: phases.map((p) => p.id),
        journal,
        events: bus,
        target,
        signal,
        makeContext,
        ...overrides,
      });
    },
  };
}

/** "start:x", "finish:x", ... in emission order, for order assertions. */
export function timeline(events: EngineEvent[]): string[] {
  return events.flatMap((e) => {
    switch (e.type) {
      case 'phase-start':
        return [`start:${e.phase}`];
      case 'phase-finish':
        return [`finish:${e.phase}`];
      case 'phase-skip':
        return [`skip:${e.phase}:${e.reason}`];
      case 'phase-fail':
        return [`fail:${e.phase}`];
      case 'phase-blocked':
        return [`blocked:${e.phase}`];
      default:
        return [];
    }
  });
}

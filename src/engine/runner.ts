// Runs a set of phases: each starts as soon as everything it needs is done, so independent
// phases (ingress, strimzi, dapr after base) run at the same time. A phase whose inputs are
// unchanged since its last success and whose checkpoint still passes is skipped. After a
// failure no new phase starts; running ones finish, so the journal says exactly where to resume.
import { randomUUID } from 'node:crypto';
import { TodoInfraError, toTodoInfraError, ExitCode } from '../core/errors.js';
import type { EventBus } from './events.js';
import { hashInputs } from './hash.js';
import { isInterruption } from './interrupt.js';
import type { Journal, RecordedError } from './journal.js';
import type { Phase, PhaseContext, PhaseId } from './phase.js';

export interface RunOptions {
  /** Every phase of the graph (for dependency lookups). */
  all: readonly Phase[];
  /** The phases to execute, already closed under dependencies unless `force`. */
  selected: PhaseId[];
  journal: Journal;
  events: EventBus;
  target: 'oke' | 'existing';
  signal: AbortSignal;
  /** Re-run even when inputs are unchanged and the checkpoint passes. */
  rerun?: boolean;
  makeContext(phase: Phase): PhaseContext;
}

export interface RunSummary {
  runId: string;
  /** When runPhases was called (ISO time), for the journal's run record. */
  startedAt: string;
  succeeded: PhaseId[];
  skipped: PhaseId[];
  failed: { phase: PhaseId; error: TodoInfraError }[];
  blocked: PhaseId[];
  interrupted: boolean;
}

/** A dependency is done if it succeeded or was skipped (unchanged, or not for this target). */
export function isSatisfied(journal: Journal, id: PhaseId): boolean {
  const status = journal.get(id)?.status;
  return status === 'succeeded' || status === 'skipped';
}

export async function runPhases(options: RunOptions): Promise<RunSummary> {
  const { journal, events, signal } = options;
  const runId = randomUUID();
  const byId = new Map(options.all.map((p) => [p.id, p]));
  const selected = new Set(options.selected);
  const summary: RunSummary = {
    runId,
    startedAt: new Date().toISOString(),
    succeeded: [],
    skipped: [],
    failed: [],
    blocked: [],
    interrupted: false,
  };
  const done = new Set<PhaseId>();
  const running = new Map<PhaseId, Promise<void>>();
  let stopping = false;

  const depsReady = (phase: Phase) =>
    phase.needs.every((d) => (selected.has(d) ? done.has(d) && isSatisfied(journal, d) : true));

  const launch = (phase: Phase) => {
    const task = runOne(phase, options, runId, summary).then((ok) => {
      done.add(phase.id);
      running.delete(phase.id);
      if (!ok) stopping = true;
    });
    running.set(phase.id, task);
  };

  for (;;) {
    if (signal.aborted) stopping = true;
    if (!stopping) {
      for (const id of options.selected) {
        const phase = byId.get(id);
        if (!phase || done.has(id) || running.has(id)) continue;
        if (depsReady(phase)) launch(phase);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  for (const id of options.selected) {
    if (done.has(id)) continue;
    const phase = byId.get(id);
    const blockedBy = (phase?.needs ?? []).filter(
      (d) => selected.has(d) && !isSatisfied(journal, d),
    );
    summary.blocked.push(id);
    events.emit({ type: 'phase-blocked', phase: id, title: phase?.title ?? id, blockedBy });
  }
  summary.interrupted = signal.aborted || summary.failed.some((f) => isInterruption(f.error));
  return summary;
}

/** Runs (or skips) one phase; resolves false when it failed. Never throws. */
async function runOne(phase: Phase, options: RunOptions, runId: string, summary: RunSummary) {
  const { journal, events, target } = options;
  const ctx = options.makeContext(phase);
  const started = Date.now();
  const title = phase.title;
  try {
    if (phase.cloudOnly && target === 'existing') {
      const detail = 'not needed with --target existing (the cluster already exists)';
      // A cluster this state dir provisioned earlier keeps its record (and outputs such as the
      // cluster id `down` needs); only a phase that never ran is recorded as skipped.
      if (journal.get(phase.id)?.status !== 'succeeded') {
        journal.update(phase.id, { status: 'skipped', reason: detail, runId });
      }
      events.emit({ type: 'phase-skip', phase: phase.id, title, reason: 'target', detail });
      summary.skipped.push(phase.id);
      return true;
    }
    const inputHash = hashInputs(phase.inputs(ctx));
    const previous = journal.get(phase.id);
    if (!options.rerun && previous?.status === 'succeeded' && previous.inputHash === inputHash) {
      ctx.step('checking the previous result still holds');
      const check = await phase.checkpoint(ctx);
      if (check.ok) {
        events.emit({
          type: 'phase-skip',
          phase: phase.id,
          title,
          reason: 'unchanged',
          detail: check.detail,
        });
        summary.skipped.push(phase.id);
        return true;
      }
      ctx.log.info(`inputs unchanged but the checkpoint failed (${check.detail}); running again`);
    }
    events.emit({ type: 'phase-start', phase: phase.id, title });
    const startedAt = new Date(started).toISOString();
    journal.update(phase.id, { status: 'running', startedAt, inputHash, runId });
    const outputs = await phase.run(ctx);
    ctx.step('verifying the checkpoint');
    const check = await phase.checkpoint(ctx);
    if (!check.ok) {
      throw new TodoInfraError('CHECKPOINT_FAILED', `checkpoint failed: ${check.detail}`, {
        phase: phase.id,
        source: 'environment',
        hint: `Fix what the checkpoint reports, then run \`todo-infra phase ${phase.id}\`.`,
      });
    }
    journal.update(phase.id, {
      status: 'succeeded',
      startedAt,
      finishedAt: new Date().toISOString(),
      inputHash,
      outputs,
      runId,
    });
    const durationMs = Date.now() - started;
    events.emit({ type: 'phase-finish', phase: phase.id, title, durationMs, detail: check.detail });
    summary.succeeded.push(phase.id);
    return true;
  } catch (thrown) {
    // Aborted by SIGINT, or Ctrl-C at a prompt inside the phase (a secret): both interrupt.
    const interrupted = options.signal.aborted || isInterruption(thrown);
    const error =
      interrupted && !isInterruption(thrown)
        ? new TodoInfraError('INTERRUPTED', 'interrupted', {
            phase: phase.id,
            exitCode: ExitCode.interrupted,
            source: 'user',
            cause: thrown,
          })
        : toTodoInfraError(thrown, phase.id);
    const recorded: RecordedError = {
      code: error.code,
      message: error.message,
      hint: error.hint,
      details: error.details.length > 0 ? error.details : undefined,
    };
    const prev = journal.get(phase.id);
    journal.update(phase.id, {
      ...prev,
      status: interrupted ? 'interrupted' : 'failed',
      finishedAt: new Date().toISOString(),
      error: recorded,
      runId,
    });
    events.emit({
      type: 'phase-fail',
      phase: phase.id,
      title,
      durationMs: Date.now() - started,
      error: recorded,
    });
    summary.failed.push({ phase: phase.id, error });
    return false;
  }
}

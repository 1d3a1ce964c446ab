// The live view on an interactive terminal: one spinner line per phase, its current step or
// wait (with deadline) underneath. listr2 draws; the engine still drives execution — each
// listr task only waits for its phase's outcome, so live and plain output describe the very
// same run. Chosen only on a TTY that is not CI and not verbose (see selectRenderer).
import type { EngineEvent, EventBus } from '../../engine/events.js';
import type { PhaseId } from '../../engine/phase.js';
import { setConsoleSink } from '../../core/log.js';
import { clock, seconds, skipText } from './plain.js';

interface Slot {
  resolve(outcome: Outcome): void;
  setTitle?(title: string): void;
  setOutput?(text: string): void;
  promise: Promise<Outcome>;
}
type Outcome = { kind: 'ok' | 'skip' | 'fail' | 'blocked'; text: string };

export async function startLiveRenderer(bus: EventBus, phases: { id: PhaseId; title: string }[]) {
  const { Listr } = await import('listr2');
  const slots = new Map<PhaseId, Slot>();
  for (const p of phases) {
    let resolve!: (o: Outcome) => void;
    const promise = new Promise<Outcome>((r) => (resolve = r));
    slots.set(p.id, { resolve, promise });
  }
  const list = new Listr(
    phases.map((p) => ({
      title: `${p.id}: ${p.title}`,
      task: async (
        _ctx: unknown,
        task: { title: string; output: string; skip(msg?: string): void },
      ) => {
        const slot = slots.get(p.id)!;
        slot.setTitle = (t) => (task.title = t);
        slot.setOutput = (t) => (task.output = t);
        const outcome = await slot.promise;
        if (outcome.kind === 'skip' || outcome.kind === 'blocked') task.skip(outcome.text);
        else if (outcome.kind === 'fail') throw new LiveFailure(outcome.text);
        else task.title = outcome.text;
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, showErrorMessage: true },
    },
  );
  const unsubscribe = bus.on((event: EngineEvent) => {
    const slot = 'phase' in event ? slots.get(event.phase) : undefined;
    if (!slot) return;
    switch (event.type) {
      case 'step':
        slot.setOutput?.(event.title);
        break;
      case 'wait':
        slot.setOutput?.(`waiting for ${event.what} (deadline ${clock(event.deadline)})`);
        break;
      case 'phase-finish':
        slot.resolve({
          kind: 'ok',
          text: `${event.phase}: ${event.title} (${seconds(event.durationMs)})`,
        });
        break;
      case 'phase-skip':
        slot.resolve({ kind: 'skip', text: `${event.phase}: ${skipText(event.reason)}` });
        break;
      case 'phase-fail':
        slot.resolve({ kind: 'fail', text: `${event.phase}: ${event.error.message}` });
        break;
      case 'phase-blocked':
        slot.resolve({ kind: 'blocked', text: `${event.phase}: not started` });
        break;
      default:
        break;
    }
  });
  // Log lines would tear the live display; they still reach the debug log file.
  const previousSink = setConsoleSink((level, scope, text) => {
    if (level !== 'warn') return;
    const slot = scope ? slots.get(scope.split('/')[0] as PhaseId) : undefined;
    slot?.setOutput?.(`warning: ${text}`);
  });
  const running = list.run().catch(() => undefined);
  return {
    /** Resolves every phase the engine never reached, then waits for the display to settle. */
    async stop(): Promise<void> {
      for (const slot of slots.values()) slot.resolve({ kind: 'blocked', text: 'not started' });
      await running;
      unsubscribe();
      setConsoleSink(previousSink);
    },
  };
}

class LiveFailure extends Error {}

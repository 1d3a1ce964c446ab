// What the engine tells the outside world. Renderers (live, plain lines, NDJSON) subscribe;
// the engine never prints.
import type { RecordedError } from './journal.js';
import type { PhaseId, PlanItem } from './phase.js';

export type SkipReason = 'unchanged' | 'target' | 'not-selected';

export type EngineEvent =
  | { type: 'run-start'; runId: string; command: string; phases: PhaseId[] }
  | { type: 'phase-start'; phase: PhaseId; title: string }
  | { type: 'phase-skip'; phase: PhaseId; title: string; reason: SkipReason; detail: string }
  | { type: 'phase-finish'; phase: PhaseId; title: string; durationMs: number; detail: string }
  | { type: 'phase-fail'; phase: PhaseId; title: string; durationMs: number; error: RecordedError }
  | { type: 'phase-blocked'; phase: PhaseId; title: string; blockedBy: PhaseId[] }
  | { type: 'step'; phase: PhaseId; title: string }
  | { type: 'wait'; phase: PhaseId; what: string; deadline: string }
  | { type: 'plan'; phase: PhaseId; title: string; items: PlanItem[]; skip?: SkipReason }
  | {
      type: 'result';
      command: string;
      result: 'succeeded' | 'failed' | 'interrupted';
      data?: unknown;
    };

export type Listener = (event: EngineEvent) => void;

export class EventBus {
  private readonly listeners: Listener[] = [];

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

// Start-up waits for the harness.
//
// These poll on purpose: they wait for processes to start listening (no API to watch yet) or
// run once per suite. The product's own waits are watch-based; this file is not a model for
// them. Each wait names what it waited for, what it saw last and which log to read.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Extra context for the timeout message, e.g. the component's log file. */
  hint?: string;
  /** Rejects early, e.g. when the component being waited for exits. */
  abort?: Promise<string>;
}

/** Calls `probe` until it returns a non-undefined value; `probe` may throw (treated as "not yet"). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer yet';
  let aborted: string | undefined;
  void opts.abort?.then((why) => {
    aborted = why;
  });
  for (;;) {
    if (aborted !== undefined) {
      throw new Error(
        `${what}: gave up because the process ended (${aborted})` +
          (opts.hint ? `; ${opts.hint}` : ''),
      );
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not ready';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${what}; last: ${last}` +
          (opts.hint ? `; ${opts.hint}` : ''),
      );
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

// Ctrl-C during a run aborts the run's AbortSignal (KubeOptions.signal). Every request, retry
// pause, watch and wait of the Kubernetes layer listens to it, so an interrupted run stops at
// once instead of after its retries run out, and says so with the run-wide INTERRUPTED code
// (exit 130) that the engine recognises as an interruption rather than a failure.
import { ExitCode, TodoInfraError } from '../core/errors.js';

/**
 * The error every pending Kubernetes call rejects with once the run's signal aborts; `what`
 * names the call ("read the server version").
 */
export function interruptedError(what: string, cause?: unknown): TodoInfraError {
  return new TodoInfraError('INTERRUPTED', `${what}: interrupted`, {
    source: 'user',
    exitCode: ExitCode.interrupted,
    cause,
  });
}

export function isInterrupted(error: unknown): boolean {
  return error instanceof TodoInfraError && error.code === 'INTERRUPTED';
}

/** One signal that aborts when any of `signals` does; undefined when none is given. */
export function eitherSignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

// Ctrl-C reaches todo-infra two ways. As a signal (SIGINT) it aborts the run's AbortSignal. At a
// prompt the terminal is in raw mode, so Ctrl-C is a keypress and the prompt library rejects
// with its ExitPromptError instead; that is the same user intent and must end the same way —
// exit 130, "interrupted" — not as an unexpected internal error.
import { ExitCode, TodoInfraError } from '../core/errors.js';

/** The coded interruption for a prompt closed with Ctrl-C; undefined for anything else. */
export function promptInterruption(err: unknown, phase?: string): TodoInfraError | undefined {
  if (!(err instanceof Error) || err.name !== 'ExitPromptError') return undefined;
  return new TodoInfraError('INTERRUPTED', 'interrupted at a prompt (Ctrl-C)', {
    phase,
    cause: err,
    source: 'user',
    exitCode: ExitCode.interrupted,
  });
}

export function isInterruption(err: unknown): boolean {
  return err instanceof TodoInfraError && err.code === 'INTERRUPTED';
}

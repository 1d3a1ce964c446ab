// One error type for everything todo-infra reports, so the top-level handler can always say
// what failed, whose fault it is, and what to do next — and map it to a documented exit code.

export type ErrorSource = 'user' | 'tool' | 'environment';

/** Exit codes are part of the CLI contract; README.md documents this table. */
export const ExitCode = {
  ok: 0,
  failure: 1, // a phase or command failed for a reason other than those below
  usage: 2, // bad flag, bad config file, unknown phase: nothing was changed
  preflight: 3, // `check` or the preflight phase found a problem in the environment
  timeout: 4, // a wait ran past its deadline
  locked: 5, // another run holds the state directory
  interrupted: 130, // Ctrl-C / SIGTERM; the journal is left consistent
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  /** The fix, in one or two sentences, addressed to the user. */
  hint?: string;
  phase?: string;
  cause?: unknown;
  source?: ErrorSource;
  exitCode?: ExitCodeValue;
  /** Extra lines shown under the message (e.g. every config problem, a command's output tail). */
  details?: string[];
}

export class TodoInfraError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly phase: string | undefined;
  readonly source: ErrorSource;
  readonly exitCode: ExitCodeValue;
  readonly details: string[];

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TodoInfraError';
    this.code = code;
    this.hint = options.hint;
    this.phase = options.phase;
    this.source = options.source ?? 'tool';
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.details = options.details ?? [];
  }

  /** A copy attributed to a phase, keeping everything else. */
  inPhase(phase: string): TodoInfraError {
    if (this.phase === phase) return this;
    const copy = new TodoInfraError(this.code, this.message, {
      hint: this.hint,
      phase,
      cause: this.cause,
      source: this.source,
      exitCode: this.exitCode,
      details: this.details,
    });
    copy.stack = this.stack;
    return copy;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      phase: this.phase,
      source: this.source,
      exitCode: this.exitCode,
      details: this.details.length > 0 ? this.details : undefined,
    };
  }
}

export function isTodoInfraError(value: unknown): value is TodoInfraError {
  return value instanceof TodoInfraError;
}

/** Turns anything thrown into a TodoInfraError without losing the original as cause. */
export function toTodoInfraError(value: unknown, phase?: string): TodoInfraError {
  if (value instanceof TodoInfraError) return phase ? value.inPhase(phase) : value;
  const message = value instanceof Error ? value.message : String(value);
  return new TodoInfraError('INTERNAL', message, {
    phase,
    cause: value,
    source: 'tool',
    hint: 'This is unexpected. Re-run with -vv and report the debug log named below.',
  });
}

// Convenience constructors for the classes of error every command raises.

export function usageError(code: string, message: string, hint: string, details?: string[]) {
  return new TodoInfraError(code, message, {
    hint,
    source: 'user',
    exitCode: ExitCode.usage,
    details,
  });
}

export function timeoutError(code: string, message: string, options: ErrorOptions = {}) {
  return new TodoInfraError(code, message, {
    ...options,
    source: options.source ?? 'environment',
    exitCode: ExitCode.timeout,
  });
}

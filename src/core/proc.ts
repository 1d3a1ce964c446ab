// All external programs (terraform, helm, kubectl-free checks, go) run through here: argv arrays
// only, never a shell string; every output line streamed into the debug log as it arrives; only a
// bounded tail kept for the error, so a chatty `terraform apply` cannot exhaust memory.
import { TodoInfraError, ExitCode, type ExitCodeValue } from './errors.js';
import { log, type Logger } from './log.js';
import { formatCommand } from './quote.js';
import { redact } from './redact.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  logger?: Logger;
  /** Kill the process after this long; the error says which deadline passed. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How many trailing output lines an error carries (default 40). */
  tailLines?: number;
  /** Error code used when the process fails (default TOOL_FAILED). */
  errorCode?: string;
  phase?: string;
  /** Hint shown when the process fails and classify() found nothing more specific. */
  hint?: string;
  /** Called for each output line (already redacted), e.g. to spot progress markers. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Maps a failure's output to a more specific coded error (e.g. "Out of host capacity"). */
  classify?: (failure: ToolFailure) => TodoInfraError | undefined;
  /** Keep the whole stdout (default true); turn off for tools whose output is only progress. */
  captureStdout?: boolean;
}

export interface RunResult {
  stdout: string;
  exitCode: number;
  tail: string[];
  durationMs: number;
}

export interface ToolFailure {
  argv: string[];
  exitCode: number | undefined;
  signal: string | undefined;
  tail: string[];
  output: string;
}

/** Runs a program to completion; throws a coded error carrying argv, exit status and tail. */
export async function runTool(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { execa } = await import('execa');
  const logger = (options.logger ?? log()).child(baseName(file));
  const shown = formatCommand(file, args);
  const tailMax = options.tailLines ?? 40;
  const tail: string[] = [];
  const stdoutParts: string[] = [];
  const capture = options.captureStdout ?? true;
  const started = Date.now();
  logger.verbose(`running: ${redact(shown)}`);

  const keep = (stream: 'stdout' | 'stderr') =>
    function* (line: unknown) {
      const text = redact(String(line));
      tail.push(text);
      if (tail.length > tailMax) tail.shift();
      logger.debug(stream === 'stderr' ? `! ${text}` : text);
      options.onLine?.(text, stream);
      if (stream === 'stdout' && capture) stdoutParts.push(String(line));
      yield line;
    };

  const sub = execa(file, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    input: options.input,
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    forceKillAfterDelay: 5000,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    stdout: [keep('stdout')],
    stderr: [keep('stderr')],
    buffer: false,
  });
  const result = await sub;
  const durationMs = Date.now() - started;
  logger.debug(`exit ${String(result.exitCode ?? result.signal)} after ${durationMs} ms`);

  if (!result.failed) {
    return { stdout: stdoutParts.join('\n'), exitCode: 0, tail, durationMs };
  }
  const failure: ToolFailure = {
    argv: [file, ...args],
    exitCode: result.exitCode,
    signal: result.signal,
    tail,
    output: tail.join('\n'),
  };
  throw toolError(failure, result, shown, options);
}

interface ExecaOutcome {
  code?: string;
  timedOut: boolean;
  isCanceled: boolean;
  exitCode?: number;
  signal?: string;
}

function toolError(
  failure: ToolFailure,
  outcome: ExecaOutcome,
  shown: string,
  options: RunOptions,
): TodoInfraError {
  const phase = options.phase;
  const cmd = redact(shown);
  if (outcome.code === 'ENOENT') {
    return new TodoInfraError('TOOL_NOT_FOUND', `${failure.argv[0]} was not found on PATH`, {
      phase,
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint:
        `Install ${baseName(failure.argv[0] ?? '')} or put it on PATH, ` +
        'then run `todo-infra check`.',
    });
  }
  if (outcome.isCanceled) {
    return new TodoInfraError('INTERRUPTED', `interrupted while running: ${cmd}`, {
      phase,
      exitCode: ExitCode.interrupted,
      source: 'user',
    });
  }
  if (outcome.timedOut) {
    return new TodoInfraError('TOOL_TIMEOUT', `timed out after ${options.timeoutMs} ms: ${cmd}`, {
      phase,
      source: 'environment',
      exitCode: ExitCode.timeout,
      details: failure.tail,
      hint: options.hint,
    });
  }
  const specific = options.classify?.(failure);
  if (specific) return phase ? specific.inPhase(phase) : specific;
  const status = failure.signal ? `signal ${failure.signal}` : `exit code ${failure.exitCode}`;
  const code: ExitCodeValue = ExitCode.failure;
  return new TodoInfraError(options.errorCode ?? 'TOOL_FAILED', `${cmd} failed (${status})`, {
    phase,
    source: 'tool',
    exitCode: code,
    details: failure.tail,
    hint: options.hint,
  });
}

function baseName(file: string): string {
  const parts = file.split('/');
  return parts[parts.length - 1] ?? file;
}

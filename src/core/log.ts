// Levels, written down once (the rest of the code only picks one):
//   info    (default)  what a user needs: phase results, waits with their deadline, warnings.
//   verbose (-v)       the commands todo-infra runs and what phases decide internally.
//   debug   (-vv)      streamed tool output, API calls, timing; every line time-stamped.
// The debug log file in the state dir always receives every level, whatever -v says, so a
// failed run can be diagnosed after the fact; its path is printed when a run fails.
// Every line passes through redact() before it goes anywhere.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from './redact.js';

export type Level = 'info' | 'warn' | 'verbose' | 'debug';
const rank: Record<Level, number> = { warn: 0, info: 0, verbose: 1, debug: 2 };

/** Where console-bound lines go; the live renderer swaps this to keep its display intact. */
export type ConsoleSink = (level: Level, scope: string | undefined, text: string) => void;

export interface Logger {
  info(text: string): void;
  warn(text: string): void;
  verbose(text: string): void;
  debug(text: string): void;
  /** The same logger with a scope (a phase id, a tool name) shown before each line. */
  child(scope: string): Logger;
  readonly verbosity: number;
}

interface Shared {
  verbosity: number;
  sink: ConsoleSink;
  file: string | undefined;
}

export const stderrSink: ConsoleSink = (level, scope, text) => {
  const prefix = scope ? `[${scope}] ` : '';
  const tag = level === 'warn' ? 'warning: ' : '';
  process.stderr.write(`${tag}${prefix}${text}\n`);
};

class ScopedLogger implements Logger {
  constructor(
    private readonly shared: Shared,
    private readonly scope: string | undefined,
  ) {}

  get verbosity(): number {
    return this.shared.verbosity;
  }

  info(text: string): void {
    this.write('info', text);
  }
  warn(text: string): void {
    this.write('warn', text);
  }
  verbose(text: string): void {
    this.write('verbose', text);
  }
  debug(text: string): void {
    this.write('debug', text);
  }

  child(scope: string): Logger {
    return new ScopedLogger(this.shared, this.scope ? `${this.scope}/${scope}` : scope);
  }

  private write(level: Level, raw: string): void {
    const text = redact(raw);
    const { file, verbosity, sink } = this.shared;
    if (file) {
      const stamp = new Date().toISOString();
      const scope = this.scope ? ` [${this.scope}]` : '';
      try {
        appendFileSync(file, `${stamp} ${level.padEnd(7)}${scope} ${text}\n`);
      } catch {
        // A full disk or removed state dir must not turn a working run into a failing one.
      }
    }
    if (rank[level] <= verbosity) {
      const shown = verbosity >= 2 ? `${new Date().toISOString().slice(11, 23)} ${text}` : text;
      sink(level, this.scope, shown);
    }
  }
}

let shared: Shared = { verbosity: 0, sink: stderrSink, file: undefined };
let root: Logger = new ScopedLogger(shared, undefined);

export interface LoggerOptions {
  verbosity: number;
  /** The debug log file; created with its directory. */
  file?: string;
  sink?: ConsoleSink;
}

/** Configures the process-wide logger; called once by the CLI entry point. */
export function configureLogger(options: LoggerOptions): Logger {
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  shared = {
    verbosity: options.verbosity,
    sink: options.sink ?? stderrSink,
    file: options.file,
  };
  root = new ScopedLogger(shared, undefined);
  return root;
}

export function setConsoleSink(sink: ConsoleSink): ConsoleSink {
  const previous = shared.sink;
  shared.sink = sink;
  return previous;
}

export function log(): Logger {
  return root;
}

export function debugLogFile(): string | undefined {
  return shared.file;
}

/** A logger that only records lines in memory; for tests of code that logs. */
export function memoryLogger(verbosity = 2): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const mem: Shared = {
    verbosity,
    sink: (level, scope, text) => lines.push(`${level}${scope ? ` [${scope}]` : ''} ${text}`),
    file: undefined,
  };
  return { logger: new ScopedLogger(mem, undefined), lines };
}

// Runs the CLI on a real pseudo-terminal via util-linux `script`, so stdin and stderr are TTYs
// exactly as in a user's shell: prompts are drawn and answered keystroke by keystroke, and the
// live renderer is chosen. The pty gets a fixed size first (`stty`): started from a pipe,
// `script` cannot copy a window size and the terminal would be 0 columns wide.
import { spawn, spawnSync } from 'node:child_process';
import { BIN, cleanEnv, shellLine } from './helpers.ts';

export const hasScript =
  spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;

export interface PtyRun {
  /** Everything the terminal showed so far (raw, with escape sequences). */
  output(): string;
  /** Resolves once the screen shows `pattern` after the last mark(). */
  waitFor(pattern: RegExp, what?: string): Promise<void>;
  /** Forget output seen so far, so the next waitFor matches only new output. */
  mark(): void;
  /** Keystrokes: '\r' is Enter, '\x1b[B' arrow down. */
  type(keys: string): void;
  exit: Promise<{ code: number | null; output: string }>;
}

export function runInPty(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): PtyRun {
  const command = `stty cols 120 rows 40; exec ${shellLine([process.execPath, BIN, ...args])}`;
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: options.cwd,
    env: { TERM: 'xterm-256color', ...cleanEnv(options.cwd, options.env) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let all = '';
  let from = 0;
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    all += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d: Buffer) => (all += d.toString()));
  const limit = options.timeoutMs ?? 30_000;
  const exit = new Promise<{ code: number | null; output: string }>((res) => {
    child.on('close', (code) => res({ code, output: all }));
  });
  return {
    output: () => all,
    mark: () => void (from = all.length),
    type: (keys) => void child.stdin.write(keys),
    exit,
    waitFor(pattern, what = String(pattern)) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          rej(
            new Error(
              `terminal never showed ${what}; it showed:\n${JSON.stringify(all.slice(from))}`,
            ),
          );
        }, limit);
        const check = () => {
          if (pattern.test(strip(all.slice(from)))) {
            clearTimeout(timer);
            res();
          } else {
            waiters.push(check);
          }
        };
        void exit.then(() => {
          if (!pattern.test(strip(all.slice(from)))) {
            clearTimeout(timer);
            rej(
              new Error(
                `exited before showing ${what}; it showed:\n${JSON.stringify(all.slice(from))}`,
              ),
            );
          }
        });
        check();
      });
    },
  };
}

/** The text without ANSI escape sequences. */
export function strip(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
}

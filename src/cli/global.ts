// Options every command accepts, named like kubectl/helm/terraform so muscle memory works:
// --kubeconfig, --context, -o/--output, -v. Resolved once into a Globals object.
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';

export interface RawGlobals {
  output?: string;
  verbose?: number;
  stateDir?: string;
  kubeconfig?: string;
  context?: string;
  config?: string;
  ci?: boolean;
  yes?: boolean;
}

export interface Globals {
  output: 'text' | 'json';
  verbosity: number;
  stateDir: string;
  kubeconfig?: string;
  context?: string;
  configFile?: string;
  /** May prompt: a terminal on both ends, not CI, and neither --ci nor --yes. */
  interactive: boolean;
  ci: boolean;
}

export function resolveGlobals(raw: RawGlobals, env = process.env): Globals {
  const output = raw.output ?? 'text';
  if (output !== 'text' && output !== 'json') {
    throw usageError(
      'BAD_FLAG',
      `--output must be text or json, not ${output}`,
      'Pass -o text or -o json.',
    );
  }
  const ciEnv = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const ci = Boolean(raw.ci) || ciEnv;
  const tty = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    output,
    verbosity: Math.min(raw.verbose ?? 0, 2),
    stateDir: resolve(raw.stateDir ?? env.TODO_INFRA_STATE_DIR ?? '.todo-infra'),
    kubeconfig: raw.kubeconfig,
    context: raw.context,
    configFile: raw.config,
    interactive: tty && !ci && !raw.yes && output === 'text',
    ci,
  };
}

/** A fresh debug log file per run, named so `ls` sorts them by time. */
export function debugLogPath(stateDir: string, command: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(stateDir, 'logs', `${stamp}-${command}.log`);
}

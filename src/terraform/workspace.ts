// One terraform working directory and the commands run in it. Every command is the real
// terraform binary through runTool: argv only, output streamed line by line into the debug log
// (`-vv` shows it live), a bounded tail kept for errors, known failures classified.
// `-no-color` keeps the output matchable; TF_IN_AUTOMATION trims the "next, run …" advice
// that would name commands the user should not run by hand.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runTool, type ToolFailure } from '../core/proc.js';
import type { TerraformBinary } from './binary.js';
import { classifyTerraform } from './classify.js';
import { parseOutputJson } from './outputs.js';

export const PLAN_FILE = 'tfplan';

export interface WorkspaceOptions {
  terraform: TerraformBinary;
  dir: string;
  logger: Logger;
  signal?: AbortSignal;
  phase?: string;
  /** Extra environment (provider home override, backend credentials already in env). */
  env?: Record<string, string>;
  /** Shared provider download cache; TF_PLUGIN_CACHE_DIR from the environment wins. */
  pluginCacheDir: string;
}

export interface PlanResult {
  changes: boolean;
  /** From "Plan: 1 to add, 0 to change, 0 to destroy." when terraform printed it. */
  counts?: { add: number; change: number; destroy: number };
}

// `plan -detailed-exitcode` exits 2 for "succeeded, with changes"; runTool treats every
// non-zero exit as a failure, so the classifier turns exit 2 into this marker, caught below.
const PLAN_HAS_CHANGES = 'TF_PLAN_HAS_CHANGES';

export class Workspace {
  readonly dir: string;
  private readonly env: Record<string, string>;

  constructor(private readonly options: WorkspaceOptions) {
    this.dir = options.dir;
    const cache = process.env.TF_PLUGIN_CACHE_DIR || options.pluginCacheDir;
    mkdirSync(cache, { recursive: true });
    this.env = {
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_PLUGIN_CACHE_DIR: cache,
      ...options.env,
    };
  }

  private async run(
    command: string,
    args: string[],
    extra: { onExit2?: boolean; onLine?: (line: string) => void; mutates?: boolean } = {},
  ) {
    const { terraform, logger, signal, phase } = this.options;
    return runTool(terraform.path, [command, ...args], {
      cwd: this.dir,
      env: this.env,
      logger,
      // apply and destroy are not cancelled through the signal: runTool cancels with SIGTERM
      // and SIGKILLs 5 s later, which can cut terraform off before it writes the state of a
      // resource it just created. Ctrl-C reaches terraform directly (same process group) as
      // SIGINT, on which it finishes the calls in flight, saves the state and exits.
      // Removal condition: runTool gains a configurable kill signal and grace period.
      signal: extra.mutates ? undefined : signal,
      phase,
      tailLines: 80,
      onLine: extra.onLine,
      errorCode: 'TF_FAILED',
      hint:
        `terraform ${command} failed; its output is above and in the debug log. Fix the cause, ` +
        'then resume with `todo-infra phase terraform`.',
      classify: (failure: ToolFailure) => {
        if (extra.onExit2 && failure.exitCode === 2) {
          return new TodoInfraError(PLAN_HAS_CHANGES, 'the plan has changes');
        }
        return classifyTerraform(failure, { workDir: this.dir, command });
      },
    });
  }

  async init(): Promise<void> {
    await this.run('init', ['-input=false', '-no-color']);
  }

  /** Writes the plan file; `changes` false means applying it would do nothing. */
  async plan(options: { destroy?: boolean } = {}): Promise<PlanResult> {
    let counts: PlanResult['counts'];
    const args = ['-input=false', '-no-color', '-detailed-exitcode', `-out=${PLAN_FILE}`];
    if (options.destroy) args.push('-destroy');
    const onLine = (line: string) => {
      const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(line);
      if (m) counts = { add: Number(m[1]), change: Number(m[2]), destroy: Number(m[3]) };
    };
    try {
      await this.run('plan', args, { onExit2: true, onLine });
      return { changes: false, counts };
    } catch (error) {
      if (error instanceof TodoInfraError && error.code === PLAN_HAS_CHANGES) {
        return { changes: true, counts };
      }
      throw error;
    }
  }

  async apply(): Promise<void> {
    await this.run('apply', ['-input=false', '-no-color', PLAN_FILE], { mutates: true });
  }

  async destroy(): Promise<void> {
    await this.run('destroy', ['-input=false', '-no-color', '-auto-approve'], { mutates: true });
  }

  /** Output values by name; empty when the state has none. */
  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.run('output', ['-json', '-no-color']);
    return parseOutputJson(result.stdout);
  }

  /** `terraform show -json` of the current state (resources and data sources). */
  async showState(): Promise<unknown> {
    const result = await this.run('show', ['-json', '-no-color']);
    return JSON.parse(result.stdout.trim() === '' ? '{}' : result.stdout) as unknown;
  }

  path(name: string): string {
    return join(this.dir, name);
  }
}

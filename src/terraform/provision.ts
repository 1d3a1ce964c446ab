// The terraform run of `todo-infra up`: init, plan to a file, apply that plan (skipped when the
// plan has no changes), read the outputs. "Out of host capacity" is retried with a narrowed
// placement (capacity.ts); every other failure surfaces as the coded error classify.ts made.
// Teardown (`todo-infra down`) is destroyStack() at the end of this file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TodoInfraError } from '../core/errors.js';
import {
  adsFromState,
  backoffMs,
  capacityExhausted,
  DEFAULT_CAPACITY_POLICY,
  interruptedError,
  nextPlacement,
  sleep,
  type CapacityPolicy,
} from './capacity.js';
import { providerHomeEnv } from './account.js';
import { detectTerraform, locateTerraform } from './binary.js';
import { openStack, terraformDir, type Stack, type StackOptions } from './stack.js';
import { Workspace, type PlanResult } from './workspace.js';

export interface ProvisionOptions extends StackOptions {
  capacity?: Partial<CapacityPolicy>;
  /** The region's AD names (the OCI layer can list them); else read from terraform state. */
  listAvailabilityDomains?: () => Promise<string[]>;
  /** Pause between capacity retries (tests pass one that records instead of waiting). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProvisionResult {
  /** False when the plan had no changes and apply was skipped. */
  applied: boolean;
  plan: PlanResult;
  /** Output values by name, as terraform printed them. */
  outputs: Record<string, unknown>;
  stateLocation: string;
  attempts: number;
  /** The placement that succeeded (empty: every AD). */
  placement: string[];
}

function describe(plan: PlanResult): string {
  if (!plan.counts) return plan.changes ? 'changes' : 'no changes';
  const { add, change, destroy } = plan.counts;
  return `${add} to add, ${change} to change, ${destroy} to destroy`;
}

async function regionAds(stack: Stack, options: ProvisionOptions): Promise<string[]> {
  if (options.listAvailabilityDomains) return options.listAvailabilityDomains();
  try {
    return adsFromState(await stack.workspace.showState());
  } catch {
    return []; // Without the list the same placement is retried; the pause still helps.
  }
}

export async function provision(options: ProvisionOptions): Promise<ProvisionResult> {
  const { logger } = options;
  const policy = { ...DEFAULT_CAPACITY_POLICY, ...options.capacity };
  const pause = options.sleep ?? sleep;
  const stack = await openStack(options);
  const ws = stack.workspace;
  await ws.init();

  const tried: string[][] = [];
  let ads: string[] | undefined;
  for (let attempt = 1; ; attempt++) {
    const plan = await ws.plan();
    logger.info(`terraform plan: ${describe(plan)}`);
    if (!plan.changes) {
      logger.info('nothing to change; terraform apply skipped');
      return finish(stack, plan, false, attempt);
    }
    // apply itself is not cancellable mid-way (see workspace.ts), so do not start one late.
    if (options.signal?.aborted) throw interruptedError('about to run terraform apply');
    try {
      await ws.apply();
      return finish(stack, plan, true, attempt);
    } catch (error) {
      if (!(error instanceof TodoInfraError) || error.code !== 'TF_OUT_OF_CAPACITY') throw error;
      tried.push(stack.placement());
      if (attempt >= policy.maxAttempts) throw capacityExhausted(error, tried, attempt);
      ads ??= await regionAds(stack, options);
      const next = nextPlacement(ads, stack.placement());
      const delay = backoffMs(policy, attempt + 1);
      const where = next ? `availability domain ${next.join(', ')}` : 'the same placement';
      logger.warn(
        `out of host capacity (attempt ${attempt}/${policy.maxAttempts}); ` +
          `retrying in ${Math.round(delay / 1000)} s with ${where}`,
      );
      if (next) stack.setPlacement(next);
      await pause(delay, options.signal);
    }
  }
}

async function finish(
  stack: Stack,
  plan: PlanResult,
  applied: boolean,
  attempts: number,
): Promise<ProvisionResult> {
  const outputs = await stack.workspace.outputs();
  return {
    applied,
    plan,
    outputs,
    stateLocation: stack.backend.location,
    attempts,
    placement: stack.placement(),
  };
}

export interface DestroyResult {
  /** False when there was no state to destroy (local backend, never applied). */
  destroyed: boolean;
  stateLocation: string;
}

/**
 * Destroys everything in the terraform state (for `todo-infra down`, which asks the user
 * first). The same variables are rendered, as destroy evaluates the configuration too.
 */
export async function destroyStack(options: StackOptions): Promise<DestroyResult> {
  const stack = await openStack(options);
  const stateFile = join(stack.workspace.dir, 'terraform.tfstate');
  if (stack.backend.kind === 'local' && !existsSync(stateFile)) {
    options.logger.info(`no terraform state at ${stateFile}; nothing to destroy`);
    return { destroyed: false, stateLocation: stack.backend.location };
  }
  await stack.workspace.init();
  await stack.workspace.destroy();
  // A later `up` starts from a new cluster: every AD is worth trying again.
  stack.setPlacement([]);
  options.logger.info(`terraform destroy finished; state: ${stack.backend.location}`);
  return { destroyed: true, stateLocation: stack.backend.location };
}

/**
 * The outputs in the current state without preparing anything (no files written, no init):
 * for checkpoints. Undefined when no run ever prepared the working directory.
 */
export async function readStackOutputs(
  options: Pick<StackOptions, 'config' | 'stateDir' | 'logger' | 'signal' | 'phase'>,
): Promise<Record<string, unknown> | undefined> {
  const dir = terraformDir(options.stateDir);
  if (!existsSync(dir)) return undefined;
  const terraform = await detectTerraform(locateTerraform(options.config), options.logger);
  const workspace = new Workspace({
    terraform,
    dir,
    logger: options.logger,
    signal: options.signal,
    phase: options.phase,
    env: providerHomeEnv(options.config),
    pluginCacheDir: join(options.stateDir, 'terraform-plugin-cache'),
  });
  return workspace.outputs();
}

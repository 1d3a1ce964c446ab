// `todo-infra up`: every phase in dependency order, independent ones at once, skipping what is
// already done. With --dry-run it prints the plan and touches nothing.
import { usageError } from '../../core/errors.js';
import { topoOrder } from '../../engine/graph.js';
import { PHASE_IDS } from '../../engine/phase.js';
import { runPhases } from '../../engine/runner.js';
import { allPhases } from '../../phases/index.js';
import type { Globals } from '../global.js';
import { finishRun } from '../finish.js';
import { openSession } from '../session.js';
import { printPlan } from './plan.js';

export interface UpOptions {
  target?: string;
  dryRun?: boolean;
  rerun?: boolean;
  merge?: boolean;
}

export async function runUp(globals: Globals, options: UpOptions): Promise<number> {
  if (options.target !== undefined && options.target !== 'oke' && options.target !== 'existing') {
    throw usageError(
      'BAD_FLAG',
      `--target must be oke or existing, not ${options.target}`,
      'Pass --target oke to provision OKE, or --target existing with --context to use a cluster.',
    );
  }
  const session = await openSession(globals, {
    command: options.dryRun ? 'up-dry-run' : 'up',
    flags: flagsToConfig(globals, options.target, options.merge),
    lock: !options.dryRun,
    requireValuesFor: options.dryRun ? [] : PHASE_IDS,
  });
  try {
    const phases = allPhases();
    const order = topoOrder(phases);
    const makeContext = session.contextFactory();
    if (options.dryRun) return await printPlan(session, order, makeContext);
    const byId = new Map(phases.map((p) => [p.id, p]));
    await session.startRenderer(order.map((id) => ({ id, title: byId.get(id)!.title })));
    const summary = await runPhases({
      all: phases,
      selected: order,
      journal: session.journal,
      events: session.events,
      target: session.loaded.config.target,
      signal: session.signal,
      rerun: options.rerun,
      makeContext,
    });
    return await finishRun(session, summary, 'up');
  } finally {
    await session.close();
  }
}

/** Flags that are also config keys (flag beats environment beats file). */
export function flagsToConfig(
  globals: Globals,
  target?: string,
  merge?: boolean,
): Record<string, unknown> {
  return {
    target,
    'kube.merge': merge,
    'kube.kubeconfig': globals.kubeconfig,
    'kube.context': globals.context,
  };
}

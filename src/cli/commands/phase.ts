// `todo-infra phase <name>`: run or resume one phase. It refuses while a phase it needs has not
// completed (naming each) unless --force, because running kafka before the Strimzi operator
// exists would only produce a confusing timeout.
import { usageError } from '../../core/errors.js';
import { ancestors } from '../../engine/graph.js';
import { isPhaseId, type PhaseId } from '../../engine/phase.js';
import { isSatisfied, runPhases } from '../../engine/runner.js';
import { allPhases, phaseById } from '../../phases/index.js';
import type { Globals } from '../global.js';
import { finishRun } from '../finish.js';
import { openSession } from '../session.js';
import { flagsToConfig } from './up.js';

export interface PhaseOptions {
  force?: boolean;
  rerun?: boolean;
  target?: string;
  merge?: boolean;
}

export async function runPhaseCommand(
  globals: Globals,
  name: string,
  options: PhaseOptions,
): Promise<number> {
  if (!isPhaseId(name)) {
    throw usageError(
      'UNKNOWN_PHASE',
      `unknown phase ${name}`,
      `Use one of: ${allPhases()
        .map((p) => p.id)
        .join(', ')} (see \`todo-infra phases\`).`,
    );
  }
  const phase = phaseById(name);
  const session = await openSession(globals, {
    command: `phase ${name}`,
    flags: flagsToConfig(globals, options.target, options.merge),
    lock: true,
    requireValuesFor: [name],
  });
  try {
    const target = session.loaded.config.target;
    const done = (dep: PhaseId): boolean => {
      const depPhase = phaseById(dep);
      if (depPhase.cloudOnly && target === 'existing') return true;
      // A cloud phase recorded as skipped was skipped for --target existing; for oke it has
      // not run (there is no cluster or kubeconfig from it).
      if (depPhase.cloudOnly && session.journal.get(dep)?.status === 'skipped') return false;
      return isSatisfied(session.journal, dep);
    };
    const missing = phase.needs.filter((dep) => !done(dep));
    if (missing.length > 0 && !options.force) {
      const all = ancestors(allPhases(), name).filter((d) => !done(d));
      throw usageError(
        'DEPENDENCY_INCOMPLETE',
        `phase ${name} needs ${missing.join(', ')}, ` +
          `which ${missing.length > 1 ? 'have' : 'has'} not completed`,
        `Run \`todo-infra phase ${missing[0]}\` ` +
          `(or \`todo-infra up\` for all of ${all.join(', ')}) ` +
          `first, or pass --force to run ${name} anyway.`,
      );
    }
    if (missing.length > 0)
      session.log.warn(`--force: running ${name} although ${missing.join(', ')} did not complete`);
    await session.startRenderer([{ id: phase.id, title: phase.title }]);
    const makeContext = session.contextFactory();
    const summary = await runPhases({
      all: allPhases().filter((p) => p.id === name),
      selected: [name],
      journal: session.journal,
      events: session.events,
      target,
      signal: session.signal,
      rerun: options.rerun,
      makeContext,
    });
    return await finishRun(session, summary, `phase ${name}`);
  } finally {
    await session.close();
  }
}

// Phase preflight (runbook T001–T006): the tools this run needs, at supported versions, and for
// the OKE target the OCI credentials and Always Free capacity. Fails before anything is changed.
import { ExitCode, TodoInfraError } from '../core/errors.js';
import type { Phase, PhaseContext } from '../engine/phase.js';
import { runChecks } from '../preflight/run.js';
import { tasks } from './runbook.js';

export const preflightPhase: Phase = {
  id: 'preflight',
  title: 'Tools, credentials and capacity',
  needs: [],
  runbook: tasks([1, 6]),
  // Always re-checked: the environment can change between runs without any input changing.
  inputs: () => ({ at: Date.now() }),
  plan: async (ctx) => [
    { action: 'check', what: 'helm, terraform, kubectl, docker, OCI CLI versions' },
    ...(ctx.config.target === 'oke'
      ? [{ action: 'check' as const, what: 'OCI credentials, region, compartment, A1 capacity' }]
      : []),
  ],
  async run(ctx: PhaseContext) {
    ctx.step('probing tools and credentials');
    const outcomes = await runChecks(ctx.config, {
      cloud: ctx.config.target === 'oke',
      signal: ctx.signal,
    });
    for (const o of outcomes) {
      const line = `${o.ok ? 'ok  ' : o.optional ? 'warn' : 'FAIL'} ${o.title}: ${o.detail}`;
      if (o.ok) ctx.log.verbose(line);
      else if (o.optional) ctx.log.warn(`${o.title}: ${o.detail}`);
      else ctx.log.info(line);
    }
    const failed = outcomes.filter((o) => !o.ok && !o.optional);
    if (failed.length > 0) {
      throw new TodoInfraError('PREFLIGHT_FAILED', `${failed.length} preflight check(s) failed`, {
        phase: 'preflight',
        source: 'environment',
        exitCode: ExitCode.preflight,
        details: failed.map((o) => `${o.title}: ${o.detail}${o.fix ? ` — fix: ${o.fix}` : ''}`),
        hint: 'Fix the items above, then run `todo-infra check` to confirm.',
      });
    }
    return { checks: outcomes.map(({ id, ok, detail }) => ({ id, ok, detail })) };
  },
  checkpoint: async () => ({ ok: true, detail: 'required tools present' }),
};

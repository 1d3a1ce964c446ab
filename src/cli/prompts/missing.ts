// Values the run needs that neither flag, environment nor config file provided. Interactive
// runs ask for them; everything else fails with an error that names the flag or environment
// variable and the config key to set — never a prompt hanging in a CI job.
import { usageError } from '../../core/errors.js';
import type { Config } from '../../config/schema.js';
import { envVarFor } from '../../config/walk.js';
import type { PhaseId } from '../../engine/phase.js';
import type { Globals } from '../global.js';

interface Requirement {
  path: string;
  question: string;
  /** The phases that use the value: it is only required when one of them will run. */
  phases: PhaseId[];
  needed(config: Config): boolean;
  validate?(value: string): string | true;
}

const requirements: Requirement[] = [
  {
    path: 'registry.namespace',
    question: 'OCIR namespace (the tenancy Object Storage namespace, from the OCI console)',
    phases: ['registry', 'apps', 'workers'],
    // Images are pulled from <region>.ocir.io/<namespace>/...; explicit images don't need it.
    needed: (c) => !c.registry.namespace && (!c.apps.frontend.image || !c.apps.backend.image),
    validate: (v) => /^[a-z0-9]+$/.test(v) || 'lower-case letters and digits only',
  },
];

export async function askMissing(
  config: Config,
  globals: Globals,
  phases: readonly PhaseId[],
): Promise<Record<string, string>> {
  const missing = requirements.filter(
    (r) => r.phases.some((p) => phases.includes(p)) && r.needed(config),
  );
  if (missing.length === 0) return {};
  if (!globals.interactive) {
    throw usageError(
      'CONFIG_MISSING',
      `missing required value${missing.length > 1 ? 's' : ''}: ` +
        missing.map((m) => m.path).join(', '),
      'Set them in todo-infra.yaml or the environment (shown above); this run cannot prompt ' +
        '(--ci, --yes, CI=true or no terminal).',
      missing.map(
        (m) =>
          `${m.path}: ${m.question} — set ${envVarFor(m.path.split('.'))} or ` +
          `\`${m.path.split('.').join(': ')}: …\` in todo-infra.yaml`,
      ),
    );
  }
  const { input } = await import('@inquirer/prompts');
  const answers: Record<string, string> = {};
  for (const r of missing) {
    answers[r.path] = await input({ message: `${r.question}:`, validate: r.validate });
  }
  return answers;
}

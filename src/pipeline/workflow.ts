// A typed subset of the GitHub Actions workflow syntax, and its serialization.
//
// Builders create plain objects in the order GitHub's documentation lists the keys; the yaml
// package keeps insertion order, so the same config always gives byte-identical files. Pinned
// action SHAs get their `# vX.Y.Z` comment here, after serialization, from the pin table.
import { stringify } from 'yaml';
import { versionOfSha } from './actions.js';

export type Scalar = string | number | boolean;

export interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, Scalar>;
  env?: Record<string, string>;
  'working-directory'?: string;
  run?: string;
  'continue-on-error'?: boolean;
}

export type Permissions = Record<string, 'read' | 'write' | 'none'>;

export interface Job {
  name: string;
  'runs-on': string;
  needs?: string[];
  if?: string;
  environment?: { name: string; url?: string };
  permissions: Permissions;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  'timeout-minutes': number;
  strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> };
  env?: Record<string, string>;
  defaults?: { run: { 'working-directory'?: string; shell?: string } };
  steps: Step[];
}

export interface Workflow {
  name: string;
  'run-name'?: string;
  on: string[] | Record<string, unknown>;
  /** Top level: nothing, so every job has to ask for exactly what it needs. */
  permissions: Permissions;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  defaults?: { run: { shell: string } };
  jobs: Record<string, Job>;
}

/** The runner image the jobs use; pinned so a runner upgrade doesn't change builds silently. */
export const RUNNER = 'ubuntu-24.04';

/** `bash` makes GitHub run scripts with `-e -o pipefail`; scripts add `-u` themselves. */
export const BASH_DEFAULTS = { run: { shell: 'bash' } };

const HEADER = [
  'Rendered by todo-infra (phase `pipeline`) from todo-infra.yaml.',
  'Change the config and re-render (`todo-infra phase pipeline` or `todo-infra render`)',
  'rather than editing this file: a re-render replaces it.',
];

export function serializeWorkflow(workflow: Workflow, extraHeader: string[] = []): string {
  const body = stringify(workflow, {
    lineWidth: 0,
    blockQuote: 'literal',
    aliasDuplicateObjects: false,
    indentSeq: true,
  });
  const header = [...HEADER, ...extraHeader].map((l) => (l ? `# ${l}` : '#')).join('\n');
  return `${header}\n${addPinComments(body)}`;
}

/** `uses: owner/repo@<40 hex>` -> the same with `# <version>` from the pin table. */
export function addPinComments(yamlText: string): string {
  return yamlText.replace(/^(\s*(?:- )?uses: [^\s@]+@([0-9a-f]{40}))$/gm, (line, _all, sha) => {
    const version = versionOfSha(sha as string);
    return version ? `${line} # ${version}` : line;
  });
}

/** Prepends `set -euo pipefail` so every rendered script fails on unset variables too. */
export function script(body: string): string {
  return `set -euo pipefail\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

// actionlint (with shellcheck) on every rendered workflow, for several configs, and on the
// project's own workflows. The linter is built from the Go module proxy into the tool cache on
// first use; without Go or shellcheck this fails with the install hint, it never skips.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureActionlint, findShellcheck, lintWorkflows } from '../tools/actionlint.ts';
import { CONFIG_NAMES, configOf, ownWorkflows, renderToTemp } from './helpers.js';

const WORKFLOWS = ['ci.yaml', 'cd-dev.yaml', 'cd-prod.yaml'];

beforeAll(async () => {
  // Fails the file (not skips) when Go or shellcheck is missing, naming what to install.
  findShellcheck();
  await ensureActionlint();
}, 600_000);

describe('actionlint + shellcheck', () => {
  it.each(CONFIG_NAMES)('reports nothing on the workflows rendered for config %s', async (name) => {
    const dir = renderToTemp(configOf(name));
    const files = WORKFLOWS.map((f) => join(dir, '.github', 'workflows', f));
    const result = await lintWorkflows(files);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it("reports nothing on todo-infra's own workflows", async () => {
    const files = ownWorkflows();
    expect(files.length).toBeGreaterThan(0);
    const result = await lintWorkflows(files);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('really runs shellcheck on run: scripts (a known-bad script is reported)', async () => {
    // Control: if shellcheck were silently disabled, the clean results above would mean little.
    const dir = mkdtempSync(join(tmpdir(), 'todo-infra-actionlint-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    const file = join(dir, '.github', 'workflows', 'bad.yaml');
    writeFileSync(
      file,
      [
        'on: push',
        'permissions: {}',
        'jobs:',
        '  bad:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo $UNQUOTED',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          no-such-input: true',
        '',
      ].join('\n'),
    );
    const result = await lintWorkflows([file]);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('SC2086');
    // And its own checks run too (an unknown input of a known action).
    expect(result.output).toContain('no-such-input');
  });
});

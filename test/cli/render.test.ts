// `render --out DIR`: same input, same bytes; unchanged files are not rewritten; and a secret
// in the environment appears nowhere — not in the files, the output, the journal or the logs.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAll } from '../../src/cli/commands/render.js';
import { loadConfig } from '../../src/config/load.js';
import { ndjson, readTree, runCli, workDir } from './helpers.ts';

const SECRET = 'SuperSecret123';
const secretEnv = {
  TODO_INFRA_DB_CONNECTION_STRING: `postgres://u:${SECRET}@h/db`,
  TODO_INFRA_REGISTRY_TOKEN: `tok-${SECRET}-ocir`,
  TODO_INFRA_REGISTRY_NAMESPACE: 'mytenancy',
};

function expectNoSecret(what: string, text: string | Buffer) {
  const s = text.toString();
  expect(s.includes(SECRET), `${what} contains the secret`).toBe(false);
  expect(
    s.includes(Buffer.from(secretEnv.TODO_INFRA_DB_CONNECTION_STRING).toString('base64')),
    `${what} (base64)`,
  ).toBe(false);
}

describe('render --out', () => {
  it('needs --out', async () => {
    const r = await runCli(['render'], { cwd: workDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/render needs --out DIR/);
  });

  it('writes the runbook layout, byte-identical run after run, rewriting nothing unchanged', async () => {
    const cwd = workDir();
    const first = await runCli(['render', '--out', 'a'], { cwd, env: secretEnv });
    expect(first.code, first.stderr).toBe(0);
    const a1 = readTree(join(cwd, 'a'));
    const expected = renderAll(loadConfig({ skipFile: true, env: {} }).config).map((f) => f.path);
    expect([...a1.keys()].sort()).toEqual([...expected].sort());
    expect(a1.size).toBeGreaterThan(0);
    const paths = [...a1.keys()];
    // The runbook's layout, for whatever the phases render today.
    for (const p of paths) {
      expect(p, p).toMatch(
        /^(infrastructure\/(terraform|k8s|helm)\/|infrastructure\/README\.md$|\.github\/workflows\/)/,
      );
    }
    expect(first.stdout).toMatch(
      new RegExp(`${a1.size} files in .* \\(${a1.size} written, 0 unchanged\\)`),
    );

    const mtimes = paths.map((p) => statSync(join(cwd, 'a', p)).mtimeMs);
    const second = await runCli(['-o', 'json', 'render', '--out', 'a'], { cwd, env: secretEnv });
    expect(second.code, second.stderr).toBe(0);
    const [event] = ndjson(second.stdout);
    const files = event!.files as { path: string; action: string }[];
    expect(files.every((f) => f.action === 'unchanged')).toBe(true);
    expect(paths.map((p) => statSync(join(cwd, 'a', p)).mtimeMs)).toEqual(mtimes);
    const a2 = readTree(join(cwd, 'a'));
    expect(a2).toEqual(a1);

    // A second directory from a separate process: the same bytes.
    const third = await runCli(['render', '--out', 'b'], { cwd, env: secretEnv });
    expect(third.code).toBe(0);
    expect(readTree(join(cwd, 'b'))).toEqual(a1);
  });

  it('an edited file is reported as updated and restored', async () => {
    const cwd = workDir();
    await runCli(['render', '--out', 'out'], { cwd });
    const tree = readTree(join(cwd, 'out'));
    const [victim] = [...tree.keys()];
    writeFileSync(join(cwd, 'out', victim!), 'edited by hand\n');
    const r = await runCli(['-o', 'json', 'render', '--out', 'out'], { cwd });
    const files = ndjson(r.stdout)[0]!.files as { path: string; action: string }[];
    expect(files.filter((f) => f.action === 'updated').map((f) => f.path)).toEqual([victim]);
    expect(readTree(join(cwd, 'out'))).toEqual(tree);
  });
});

describe('secrets never reach output, files, journal or logs', () => {
  it('render, up --dry-run -vv, and a failing up -vv leave no trace of the secret', async () => {
    const cwd = workDir();
    const runs = [
      await runCli(['-vv', 'render', '--out', 'out'], { cwd, env: secretEnv }),
      await runCli(['-vv', 'up', '--dry-run'], { cwd, env: secretEnv }),
      await runCli(['-vv', '-o', 'json', 'up', '--dry-run'], { cwd, env: secretEnv }),
      await runCli(['-vv', 'up'], { cwd, env: secretEnv }),
      await runCli(['-o', 'json', 'status'], { cwd, env: secretEnv }),
    ];
    runs.forEach((r, i) => {
      expectNoSecret(`stdout of run ${i}`, r.stdout);
      expectNoSecret(`stderr of run ${i}`, r.stderr);
    });
    const state = readTree(join(cwd, '.todo-infra'));
    expect([...state.keys()]).toContain('journal.json');
    const logs = [...state.keys()].filter((k) => k.startsWith('logs/'));
    expect(logs.filter((k) => k.endsWith('-up-dry-run.log'))).toHaveLength(2);
    expect(logs.filter((k) => k.endsWith('-up.log'))).toHaveLength(1);
    for (const [path, content] of state) expectNoSecret(`.todo-infra/${path}`, content);
    for (const [path, content] of readTree(join(cwd, 'out')))
      expectNoSecret(`out/${path}`, content);
  });
});

// The CLI as users get it: `npm pack`, installed into an empty project with production
// dependencies only, and run from a directory outside the repository. This proves the package
// ships what the code reads at run time (dist/, bin/, terraform/, manifests/, templates/) and
// nothing it should not (sources, tests, state). It also proves the installed CLI renders,
// byte for byte, what the repository's CLI does.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, readTree, ROOT, runCli, workDir, type CliResult } from './helpers.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let files: string[];
let installedBin: string;

function runInstalled(args: string[], cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, [installedBin, ...args], {
    cwd,
    env: cleanEnv(cwd),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

beforeAll(async () => {
  // Packing must not rebuild dist/ (the `prepare` script): other test files run the built CLI
  // at the same time. `npm test` builds it before any test starts.
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
  }
  const dir = workDir('todo-infra-pack-');
  const { stdout } = await run(
    npm,
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path).sort();

  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "uses-todo-infra", "private": true }\n');
  // Offline first: `npm ci` has filled the cache with every dependency; anything missing comes
  // from the registry. --omit=dev: a user's install has no devDependencies.
  await run(
    npm,
    [
      'install',
      '--prefer-offline',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(dir, packed.filename),
    ],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
  installedBin = join(project, 'node_modules', 'todo-infra', 'bin', 'todo-infra.js');
}, 300_000);

describe('the packed and installed CLI', () => {
  it('ships the built code and the files it reads at run time, and no sources or tests', () => {
    for (const needed of [
      'bin/todo-infra.js',
      'dist/cli/main.js',
      'package.json',
      'README.md',
      'terraform/oke.tf',
      'terraform/terraform.tfvars.example',
      'manifests/kafka/kafka-metrics-config.yaml',
      'templates/helm/todo-app/templates/deployment.yaml',
    ]) {
      expect(files, needed).toContain(needed);
    }
    const unwanted = files.filter((f) =>
      /^(src|test|scripts|\.tools|\.todo-infra|node_modules|\.github)\//.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('reports its version from outside the repository', async () => {
    const cwd = workDir();
    const result = await runInstalled(['--version'], cwd);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('renders exactly what the repository CLI renders, and plans a dry run', async () => {
    const mine = workDir();
    const theirs = workDir();
    const fromRepo = await runCli(['render', '--out', 'out'], { cwd: mine });
    const installed = await runInstalled(['render', '--out', 'out'], theirs);
    expect(fromRepo.code, fromRepo.stderr).toBe(0);
    expect(installed.code, installed.stderr).toBe(0);
    const repoTree = readTree(join(mine, 'out'));
    const installedTree = readTree(join(theirs, 'out'));
    expect([...installedTree.keys()]).toEqual([...repoTree.keys()]);
    for (const [path, bytes] of repoTree) {
      expect(installedTree.get(path)?.equals(bytes), path).toBe(true);
    }
    expect([...repoTree.keys()]).toContain('infrastructure/helm/todo-app/templates/workers.yaml');

    const plan = await runInstalled(['up', '--dry-run', '--ci'], theirs);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^- hardening:/m);
  });
});

// The CLI surface as a user meets it: help, version, usage errors, bad configuration, JSON
// output, and never prompting without a terminal.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson, ROOT, runCli, workDir } from './helpers.ts';

const version = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

describe('help and version', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await runCli(['--help'], { cwd: workDir() });
    expect(r.code).toBe(0);
    for (const cmd of ['up', 'check', 'phase', 'phases', 'render', 'status', 'config']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
    for (const flag of [
      '--output',
      '--verbose',
      '--state-dir',
      '--kubeconfig',
      '--context',
      '--config',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--help of a command shows its flags', async () => {
    const r = await runCli(['up', '--help'], { cwd: workDir() });
    expect(r.code).toBe(0);
    for (const flag of ['--target', '--dry-run', '--ci', '--yes']) expect(r.stdout).toContain(flag);
    const cfg = await runCli(['config', '--help'], { cwd: workDir() });
    expect(cfg.code).toBe(0);
    expect(cfg.stdout).toMatch(/schema/);
    expect(cfg.stdout).toMatch(/init/);
  });

  it('--version prints the package version and exits 0', async () => {
    const r = await runCli(['--version'], { cwd: workDir() });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
});

describe('usage errors exit 2', () => {
  it('unknown command', async () => {
    const r = await runCli(['upp'], { cwd: workDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'upp'/);
  });

  it('unknown flag', async () => {
    const r = await runCli(['up', '--dry-rnu'], { cwd: workDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--dry-rnu'/);
  });

  it('bad flag values name the flag', async () => {
    const cwd = workDir();
    const out = await runCli(['-o', 'yaml', 'phases'], { cwd });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--output must be text or json/);
    const target = await runCli(['up', '--dry-run', '--target', 'aks'], { cwd });
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--target must be oke or existing/);
  });

  it('unknown phase lists the real ones', async () => {
    const r = await runCli(['phase', 'zookeeper'], { cwd: workDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown phase zookeeper/);
    expect(r.stderr).toMatch(/strimzi/);
  });
});

describe('bad configuration', () => {
  const bad = [
    'targt: oke',
    'cluster:',
    '  nodeCount: 3',
    'network:',
    '  privateSubnetCidr: 10.0.0.128/25',
    'oci:',
    '  compartmentId: not-an-ocid',
  ].join('\n');

  it('exits 2, lists each problem on stderr, and writes no journal or lock', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'todo-infra.yaml'), bad);
    const r = await runCli(['up'], {
      cwd,
      env: { TODO_INFRA_REGISTRY_NAMESPACE: 'ns', TODO_INFRA_DAPR_HA: 'maybe' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const problem of [
      /^ {2}targt: unknown key \(did you mean target\?\)/m,
      /^ {2}cluster\.ocpusPerNode: 3 node\(s\)/m,
      /^ {2}cluster\.memoryGbPerNode: 3 node\(s\)/m,
      /^ {2}network\.privateSubnetCidr: .*overlaps/m,
      /^ {2}oci\.compartmentId: must be an OCID/m,
      /^ {2}dapr\.ha \(from TODO_INFRA_DAPR_HA\): must be true or false/m,
    ])
      expect(r.stderr).toMatch(problem);
    expect(r.stderr).toMatch(/Nothing was changed/);
    expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);
  });

  it('with -o json the error is a single JSON line on stdout carrying every problem', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'todo-infra.yaml'), bad);
    const r = await runCli(['-o', 'json', 'up', '--dry-run'], { cwd });
    expect(r.code).toBe(2);
    const [event, ...rest] = ndjson(r.stdout);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'error', code: 'CONFIG_INVALID', exitCode: 2 });
    expect((event!.details as string[]).length).toBe(5);
  });

  it('invalid YAML shows the line; a missing --config file is named', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'todo-infra.yaml'), 'cluster:\n  nodeCount: 1\n  x: [1,\n');
    const yaml = await runCli(['up', '--dry-run'], { cwd });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/todo-infra\.yaml is not valid YAML/);
    expect(yaml.stderr).toMatch(/line \d+, column \d+/);
    const missing = await runCli(['--config', 'nope.yaml', 'check', '--no-cloud'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(cwd, 'nope.yaml'));
    expect(missing.stderr).toMatch(/does not exist/);
  });
});

describe('-o json: NDJSON on stdout and nothing else', () => {
  it('up --dry-run: one plan event per phase, in order, and nothing written', async () => {
    const cwd = workDir();
    const r = await runCli(['-o', 'json', 'up', '--dry-run'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout);
    const plans = events.filter((e) => e.type === 'plan');
    expect(plans.length).toBe(14);
    expect(plans[0]).toMatchObject({ phase: 'preflight' });
    for (const e of events) expect(typeof e.time).toBe('string');
    expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);
  });

  it('up --dry-run --target existing marks the cloud phases as skipped', async () => {
    const r = await runCli(['-o', 'json', 'up', '--dry-run', '--target', 'existing'], {
      cwd: workDir(),
    });
    expect(r.code, r.stderr).toBe(0);
    const plans = ndjson(r.stdout).filter((e) => e.type === 'plan');
    expect(plans.find((e) => e.phase === 'terraform')).toMatchObject({ skip: 'target' });
    expect(plans.find((e) => e.phase === 'base')?.skip).toBeUndefined();
  });

  it('phases and status', async () => {
    const cwd = workDir();
    const phases = await runCli(['-o', 'json', 'phases'], { cwd });
    expect(phases.code).toBe(0);
    const [list] = ndjson(phases.stdout);
    expect(list).toMatchObject({ type: 'phases' });
    const rows = list!.phases as { id: string; status: string; needs: string[] }[];
    expect(rows.map((p) => p.id)[0]).toBe('preflight');
    expect(rows.find((p) => p.id === 'kafka')).toMatchObject({
      status: 'pending',
      needs: ['strimzi'],
    });
    const status = await runCli(['-o', 'json', 'status'], { cwd });
    expect(status.code).toBe(0);
    const [s] = ndjson(status.stdout);
    expect(s).toMatchObject({ type: 'status', phases: { kafka: { status: 'pending' } } });
  });

  it('check --no-cloud: one check event; the exit code matches its verdict', async () => {
    const r = await runCli(['-o', 'json', 'check', '--no-cloud'], { cwd: workDir() });
    const [event, ...rest] = ndjson(r.stdout);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'check' });
    const checks = event!.checks as { id: string; ok: boolean; optional?: boolean; fix?: string }[];
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['helm', 'terraform', 'kubectl', 'docker', 'oci-cli']),
    );
    for (const c of checks.filter((x) => !x.ok)) expect(c.fix, c.id).toBeTruthy();
    const requiredFailed = checks.some((c) => !c.ok && !c.optional);
    expect(event!.ok).toBe(!requiredFailed);
    expect(r.code).toBe(requiredFailed ? 3 : 0);
  });
});

describe('a reader that stops early', () => {
  it('closing stdout after one line ends the CLI quietly, without an EPIPE stack trace', async () => {
    const r = await runCli(['-o', 'json', 'up', '--dry-run'], {
      cwd: workDir(),
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(r.code).toBe(0);
  });
});

describe('no terminal, no prompt', () => {
  for (const [name, args, env] of [
    ['stdin is a pipe', ['up'], {}],
    ['CI=true', ['up'], { CI: 'true' }],
    ['--ci', ['up', '--ci'], {}],
  ] as const) {
    it(`up with registry.namespace unset fails naming TODO_INFRA_REGISTRY_NAMESPACE (${name})`, async () => {
      const cwd = workDir();
      const r = await runCli([...args], { cwd, env: { ...env }, timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('TODO_INFRA_REGISTRY_NAMESPACE');
      expect(r.stderr).toMatch(/registry: namespace/); // the config key to set
      expect(r.stderr).not.toMatch(/\?\s*OCIR namespace/); // no inquirer prompt was drawn
      expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
    });
  }
});

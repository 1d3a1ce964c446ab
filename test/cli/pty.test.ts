// The interactive side, on a real pseudo-terminal: `config init` answered keystroke by
// keystroke, and the live (listr2) renderer on a terminal vs plain lines under CI=true.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { runCli, workDir } from './helpers.ts';
import { hasScript, runInPty, strip } from './pty.ts';

const ENTER = '\r';
const DOWN = '\x1b[B';

describe.skipIf(!hasScript)('config init on a terminal (util-linux script)', () => {
  it('OKE: asks, validates as you type, writes todo-infra.yaml that loads and plans', async () => {
    const cwd = workDir();
    const pty = runInPty(['config', 'init'], { cwd });
    const answer = async (prompt: RegExp, keys: string) => {
      await pty.waitFor(prompt);
      pty.mark();
      pty.type(keys);
    };
    await answer(/Where should the Todo platform run\?/, ENTER); // first choice: OKE
    await answer(/OCI region/, 'Frankfurt' + ENTER);
    await pty.waitFor(/like eu-frankfurt-1/, 'the region validation message');
    pty.mark();
    pty.type('\x7f'.repeat('Frankfurt'.length) + 'eu-frankfurt-1' + ENTER);
    await answer(/Compartment OCID/, ENTER);
    await answer(/VCN CIDR/, ENTER); // default 10.0.0.0/16
    await answer(/OCPUs for the worker node/, ENTER);
    await answer(/Memory in GB/, '\x7f'.repeat(3) + '12' + ENTER);
    await answer(/OCIR namespace/, 'mytenancy' + ENTER);
    await answer(/Public host name/, ENTER);
    const { code, output } = await pty.exit;
    expect(code, strip(output)).toBe(0);
    expect(strip(output)).toMatch(/Wrote .*todo-infra\.yaml/);

    const file = join(cwd, 'todo-infra.yaml');
    const written = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({
      target: 'oke',
      oci: { region: 'eu-frankfurt-1' },
      cluster: { ocpusPerNode: 2, memoryGbPerNode: 12 },
      registry: { namespace: 'mytenancy' },
    });
    const { config } = loadConfig({ cwd, env: {} });
    expect(config.registry.namespace).toBe('mytenancy');
    const plan = await runCli(['up', '--dry-run'], { cwd });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Plan for target oke/);
  });

  it('existing cluster: context, host and TLS end up in the file', async () => {
    const cwd = workDir();
    const pty = runInPty(['config', 'init', '--file', 'cfg/todo.yaml'], { cwd });
    const answer = async (prompt: RegExp, keys: string) => {
      await pty.waitFor(prompt);
      pty.mark();
      pty.type(keys);
    };
    await answer(/Where should the Todo platform run\?/, DOWN);
    await pty.waitFor(/❯ An existing Kubernetes cluster/, 'the cursor on the second choice');
    pty.mark();
    pty.type(ENTER);
    await answer(/kubeconfig context to use/, 'kind-dev' + ENTER);
    await answer(/OCIR namespace/, 'mytenancy' + ENTER);
    await answer(/Public host name/, 'todo.example.com' + ENTER);
    await answer(/Serve it over HTTPS/, 'y' + ENTER);
    const { code, output } = await pty.exit;
    expect(code, strip(output)).toBe(0);
    const written = parse(readFileSync(join(cwd, 'cfg', 'todo.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(written).toEqual({
      target: 'existing',
      kube: { context: 'kind-dev' },
      registry: { namespace: 'mytenancy' },
      ingress: { host: 'todo.example.com', tls: { enabled: true } },
    });
    // --file into a directory that did not exist: created, and the file loads.
    const { config } = loadConfig({ cwd, env: {}, configFile: 'cfg/todo.yaml' });
    expect(config.target).toBe('existing');
    expect(config.ingress.tls.enabled).toBe(true);
  });
});

describe.skipIf(!hasScript)('Ctrl-C at a prompt', () => {
  it('up asking for a missing value: exit 130, interrupted, nothing recorded', async () => {
    const cwd = workDir();
    const pty = runInPty(['up'], { cwd });
    await pty.waitFor(/OCIR namespace/);
    pty.type('\x03');
    const { code, output } = await pty.exit;
    expect(code).toBe(130);
    expect(strip(output)).toMatch(/interrupted at a prompt \(Ctrl-C\)/);
    expect(strip(output)).not.toMatch(/unexpected|INTERNAL/);
    expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
  });

  it('config init: exit 130 and no file', async () => {
    const cwd = workDir();
    const pty = runInPty(['config', 'init'], { cwd });
    await pty.waitFor(/Where should the Todo platform run\?/);
    pty.type('\x03');
    const { code } = await pty.exit;
    expect(code).toBe(130);
    expect(existsSync(join(cwd, 'todo-infra.yaml'))).toBe(false);
  });
});

describe('config init without a terminal', () => {
  it('refuses with exit 2 instead of prompting', async () => {
    const cwd = workDir();
    const r = await runCli(['config', 'init'], { cwd, timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config init asks questions and needs a terminal/);
    expect(existsSync(join(cwd, 'todo-infra.yaml'))).toBe(false);
  });

  it('never overwrites an existing file without --force', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'todo-infra.yaml'), 'target: oke\n');
    const r = await runCli(['config', 'init'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists.*|--force/);
    expect(readFileSync(join(cwd, 'todo-infra.yaml'), 'utf8')).toBe('target: oke\n');
  });
});

describe.skipIf(!hasScript)('progress rendering', () => {
  const env = { TODO_INFRA_REGISTRY_NAMESPACE: 'mytenancy' };

  it('a terminal outside CI gets the live listr2 view', async () => {
    const cwd = workDir();
    const pty = runInPty(['phase', 'preflight'], { cwd, env });
    const { code, output } = await pty.exit;
    expect(code).toBe(3); // no ~/.oci/config in the temp HOME
    // listr2 draws with cursor movement and its own symbols, and never prints the plain lines.
    expect(output).toMatch(/\x1b\[\d*A/); // cursor up: the list is redrawn in place
    expect(strip(output)).toMatch(/✖ preflight:/);
    expect(strip(output)).not.toMatch(/▶ preflight/);
    expect(strip(output)).toMatch(/Resume: todo-infra phase preflight/);
  });

  it('the same terminal with CI=true gets plain append-only lines', async () => {
    const cwd = workDir();
    const pty = runInPty(['phase', 'preflight'], { cwd, env: { ...env, CI: 'true' } });
    const { code, output } = await pty.exit;
    expect(code).toBe(3);
    const text = strip(output);
    expect(text).toMatch(/^▶ preflight: Tools, credentials and capacity/m);
    expect(text).toMatch(/^✗ preflight failed after/m);
    expect(output).not.toMatch(/\x1b\[\d*A/);
  });

  it('-v on a terminal also gets plain lines (log lines would tear the live view)', async () => {
    const cwd = workDir();
    const { output } = await runInPty(['-v', 'phase', 'preflight'], { cwd, env }).exit;
    expect(strip(output)).toMatch(/^▶ preflight:/m);
  });
});

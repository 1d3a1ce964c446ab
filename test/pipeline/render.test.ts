// The rendered workflows as data: deterministic bytes, pinned actions, least privilege, no
// expression ever spliced into a shell script, and the shape each workflow must have.
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { ACTIONS } from '../../src/pipeline/actions.js';
import { pipelineFiles, renderPipeline } from '../../src/pipeline/index.js';
import {
  CONFIG_INPUTS,
  CONFIG_NAMES,
  configOf,
  ownWorkflows,
  parseWorkflow,
  readText,
  type WorkflowData,
} from './helpers.js';

/** The same object with every key order reversed, recursively (arrays keep their order). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).reverse();
    return Object.fromEntries(entries.map(([k, v]) => [k, reversedKeys(v)]));
  }
  return value;
}

function allTexts(name: string): Record<string, string> {
  return renderPipeline(configOf(name)).texts;
}

const PIN = /^\s*(?:- )?uses: ([^@\s]+)@(\S+)(?: # (\S+))?\s*$/;

describe('determinism', () => {
  it.each(CONFIG_NAMES)('renders byte-identical files twice (%s)', (name) => {
    expect(pipelineFiles(configOf(name))).toEqual(pipelineFiles(configOf(name)));
  });

  it.each(CONFIG_NAMES)('does not depend on the key order of the config (%s)', (name) => {
    const shuffled = configSchema.parse(reversedKeys(CONFIG_INPUTS[name]) as ConfigInput);
    expect(pipelineFiles(shuffled)).toEqual(pipelineFiles(configOf(name)));
  });

  it('renders different configs differently where they differ', () => {
    const a = allTexts('default')['cd-prod.yaml'];
    const b = allTexts('monorepo')['cd-prod.yaml'];
    expect(a).toContain('name: production');
    expect(b).toContain('name: prod');
    expect(b).toContain('APP_NAMESPACE: todo-staging');
    expect(b).not.toContain('notification-worker'); // disabled worker is not deployed
  });
});

describe('pinning and privileges', () => {
  const sources = (): Array<[string, string]> => [
    ...CONFIG_NAMES.flatMap((n) =>
      Object.entries(allTexts(n)).map(([f, t]): [string, string] => [`${n}/${f}`, t]),
    ),
    ...ownWorkflows().map((p): [string, string] => [p, readText(p)]),
  ];

  it('pins every action to a full commit SHA from the pin table, with its version comment', () => {
    const table = new Map<string, { sha: string; version: string }>(
      Object.values(ACTIONS).map((a) => [a.action, a]),
    );
    let count = 0;
    for (const [file, text] of sources()) {
      for (const line of text.split('\n').filter((l) => /^\s*(- )?uses:/.test(l))) {
        const m = PIN.exec(line);
        expect(m, `${file}: ${line}`).not.toBeNull();
        const [, action, ref, comment] = m!;
        const pinned = table.get(action!);
        expect(pinned, `${file}: ${action} is not in src/pipeline/actions.ts`).toBeDefined();
        expect(ref, `${file}: ${line}`).toMatch(/^[0-9a-f]{40}$/);
        expect(ref).toBe(pinned!.sha);
        expect(comment).toBe(pinned!.version);
        count++;
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it('grants nothing at the top level and states permissions on every job', () => {
    for (const [file, text] of sources()) {
      const wf = parseWorkflow(text);
      expect(wf.permissions, file).toEqual({});
      for (const [id, job] of Object.entries(wf.jobs)) {
        expect(job.permissions, `${file} job ${id}`).toBeDefined();
        for (const [scope, level] of Object.entries(job.permissions ?? {})) {
          // Only SARIF upload may write, and only security events.
          if (level === 'write') expect(`${scope}`, `${file} job ${id}`).toBe('security-events');
        }
      }
    }
  });

  it('never puts a ${{ }} expression inside a run: script (secrets go through env:)', () => {
    let scripts = 0;
    for (const [file, text] of sources()) {
      for (const [id, job] of Object.entries(parseWorkflow(text).jobs)) {
        for (const step of job.steps) {
          if (step.run === undefined) continue;
          scripts++;
          expect(step.run, `${file} job ${id} step ${step.name}`).not.toContain('${{');
        }
      }
    }
    expect(scripts).toBeGreaterThan(10);
  });

  it('reads secrets only in env: of steps or with: of actions, not workflow or job env', () => {
    for (const [file, text] of sources()) {
      const wf = parseWorkflow(text);
      expect(JSON.stringify(wf.env ?? {}), file).not.toContain('secrets.');
      for (const job of Object.values(wf.jobs)) {
        expect(JSON.stringify(job.env ?? {}), file).not.toContain('secrets.');
      }
    }
  });
});

describe('workflow shapes', () => {
  const wf = (name: string, file: string): WorkflowData => parseWorkflow(allTexts(name)[file]!);

  it.each(CONFIG_NAMES)('ci: unpushed builds, GHA cache, Trivy gate (%s)', (name) => {
    const config = configOf(name);
    const ci = wf(name, 'ci.yaml');
    expect(ci.on).toEqual(['push', 'pull_request']);
    const steps = ci.jobs.images!.steps;
    const build = steps.find((s) => s.uses?.startsWith('docker/build-push-action'))!;
    expect(build.with).toMatchObject({ push: false, load: true });
    expect(String(build.with!['cache-from'])).toMatch(/^type=gha/);
    expect(String(build.with!['cache-to'])).toMatch(/^type=gha,mode=max/);
    const trivy = steps.find((s) => s.uses?.startsWith('aquasecurity/trivy-action'))!;
    expect(trivy.with).toMatchObject({
      severity: config.pipeline.failOnSeverity.join(','),
      'exit-code': '1',
      format: 'sarif',
    });
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.if).toContain('!cancelled()');
    expect(ci.jobs.images!.permissions).toMatchObject({ 'security-events': 'write' });
    const matrix = JSON.stringify(allTexts(name)['ci.yaml']);
    for (const repo of Object.values(config.registry.repositories)) expect(matrix).toContain(repo);
  });

  it('sets up Node only for components whose commands need it, in their directory', () => {
    const ci = wf('monorepo', 'ci.yaml');
    const names = (id: string): string[] => ci.jobs[id]!.steps.map((s) => s.name ?? '');
    expect(names('frontend')).toEqual([
      'Check out',
      'Set up Node.js',
      'Install dependencies',
      'Lint',
      'Test',
    ]);
    expect(names('backend')).toEqual(['Check out', 'Test']); // python3 -m pytest
    expect(ci.jobs.worker).toBeUndefined(); // neither lint nor test configured
    expect(JSON.stringify(ci.jobs.frontend)).toContain('"working-directory":"apps/web"');
    const install = ci.jobs.frontend!.steps[2]!.run!;
    expect(install).toContain('pnpm install --frozen-lockfile');
  });

  it.each(CONFIG_NAMES)('cd-dev: multi-arch sha/latest, serial deploys (%s)', (name) => {
    const config = configOf(name);
    const dev = wf(name, 'cd-dev.yaml');
    expect(dev.on).toEqual({ push: { branches: [config.pipeline.mainBranch] } });
    expect(dev.concurrency).toEqual({ group: 'deploy-dev', 'cancel-in-progress': false });
    expect(dev.env!.IMAGE_TAG).toBe('sha-${{ github.sha }}');
    const buildSteps = dev.jobs.build!.steps;
    const build = buildSteps.find((s) => s.uses?.startsWith('docker/build-push-action'))!;
    expect(build.with).toMatchObject({ push: true, platforms: 'linux/amd64,linux/arm64' });
    expect(
      String(build.with!.tags)
        .split('\n')
        .map((t) => t.split(':').pop()),
    ).toEqual(['${{ env.IMAGE_TAG }}', 'latest']);
    expect(buildSteps.some((s) => s.uses?.startsWith('docker/setup-qemu-action'))).toBe(true);
    const deploy = dev.jobs.deploy!;
    expect(deploy.needs).toEqual(['build']);
    expect(deploy.env!.ROLLOUT_TIMEOUT).toBe(config.pipeline.rolloutTimeout);
    expect(deploy.steps.map((s) => s.run ?? '').join('\n')).toContain('kubectl rollout status');
  });

  it.each(CONFIG_NAMES)('cd-prod: tag input, environment gate, rollback (%s)', (name) => {
    const config = configOf(name);
    const prod = wf(name, 'cd-prod.yaml');
    expect(prod.on).toMatchObject({
      workflow_dispatch: { inputs: { image_tag: { required: true, type: 'string' } } },
    });
    const deploy = prod.jobs.deploy!;
    expect(deploy.environment).toEqual({ name: config.pipeline.productionEnvironment });
    expect(deploy.needs).toEqual(['validate']);
    const names = deploy.steps.map((s) => s.name);
    const rollback = deploy.steps.at(-1)!;
    expect(rollback.if).toBe('${{ failure() }}');
    expect(rollback.run).toContain('kubectl rollout undo');
    // The rollback comes after the deploy and the rollout wait it guards.
    expect(names.indexOf('Update the Deployments')).toBeLessThan(names.indexOf(rollback.name));
    expect(prod.jobs.validate!.steps[0]!.run).toContain('=~');
  });
});

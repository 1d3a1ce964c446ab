import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import { loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { writeKubeconfig } from './fake-apiserver.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
}

function failure(fn: () => unknown): TodoInfraError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TodoInfraError) return error;
    throw error;
  }
  throw new Error('expected a TodoInfraError');
}

describe('kubeconfig loading', () => {
  it('uses --kubeconfig and its current-context', () => {
    const file = join(dir(), 'config');
    writeKubeconfig(file, 'https://10.0.0.1:6443', ['oke', 'other']);
    const loaded = loadKubeconfig({ kubeconfigPath: file, env: {} });
    expect(loaded).toMatchObject({
      path: file,
      source: 'flag',
      context: 'oke',
      server: 'https://10.0.0.1:6443',
    });
  });

  it('switches to --context and rejects an unknown one, listing the available contexts', () => {
    const file = join(dir(), 'config');
    writeKubeconfig(file, 'https://10.0.0.1:6443', ['oke', 'other']);
    expect(loadKubeconfig({ kubeconfigPath: file, context: 'other', env: {} }).context).toBe(
      'other',
    );
    const e = failure(() => loadKubeconfig({ kubeconfigPath: file, context: 'prod', env: {} }));
    expect(e.code).toBe('KUBE_CONTEXT_UNKNOWN');
    expect(e.message).toBe(`Context "prod" is not defined in ${file}`);
    expect(e.hint).toBe('Use one of: oke, other (--context).');
    expect(e.exitCode).toBe(ExitCode.usage);
  });

  it('names a missing --kubeconfig file', () => {
    const file = join(dir(), 'nope');
    const e = failure(() => loadKubeconfig({ kubeconfigPath: file, env: {} }));
    expect(e.code).toBe('KUBE_CONFIG_MISSING');
    expect(e.message).toBe(`Kubeconfig file ${file} (--kubeconfig) does not exist`);
  });

  it('merges a KUBECONFIG list first-wins and skips files that do not exist', () => {
    const d = dir();
    const a = join(d, 'a');
    const b = join(d, 'b');
    writeKubeconfig(a, 'https://a.example:6443', ['first']);
    writeKubeconfig(b, 'https://b.example:6443', ['second']);
    const env = { KUBECONFIG: [join(d, 'missing'), a, b].join(':') };
    const loaded = loadKubeconfig({ env });
    expect(loaded).toMatchObject({ source: 'KUBECONFIG', path: a, context: 'first' });
    // Both files define a cluster named "fake": the first file's wins, as with kubectl.
    expect(loadKubeconfig({ env, context: 'second' }).server).toBe('https://a.example:6443');
  });

  it('names KUBECONFIG when none of its files exists', () => {
    const e = failure(() => loadKubeconfig({ env: { KUBECONFIG: '/nope/a:/nope/b' } }));
    expect(e.code).toBe('KUBE_CONFIG_MISSING');
    expect(e.message).toContain('KUBECONFIG lists /nope/a:/nope/b');
  });

  it('falls back to ~/.kube/config, and says everything it tried when that is missing', () => {
    const home = dir();
    const e = failure(() => loadKubeconfig({ env: {}, home }));
    expect(e.code).toBe('KUBE_CONFIG_MISSING');
    expect(e.message).toContain(`${join(home, '.kube', 'config')} does not exist`);
    mkdirSync(join(home, '.kube'));
    writeKubeconfig(join(home, '.kube', 'config'), 'https://home.example:6443');
    expect(loadKubeconfig({ env: {}, home })).toMatchObject({
      source: 'default',
      server: 'https://home.example:6443',
    });
  });

  it('reports an unparsable kubeconfig with its file name', () => {
    const file = join(dir(), 'config');
    writeKubeconfig(file, 'https://x:6443');
    writeFileSync(file, 'clusters: [\n');
    const e = failure(() => loadKubeconfig({ kubeconfigPath: file, env: {} }));
    expect(e.code).toBe('KUBE_CONFIG_INVALID');
    expect(e.message).toContain(`Kubeconfig ${file} (from --kubeconfig) cannot be read`);
  });
});

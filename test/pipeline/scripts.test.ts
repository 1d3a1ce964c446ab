// The rendered shell scripts, executed with bash the way GitHub runs them
// (`bash --noprofile --norc -eo pipefail FILE`): the kubeconfig they write, and that no secret
// value and no user input ever reaches the log.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  kubeconfigScript,
  requireVarsScript,
  validateTagScript,
} from '../../src/pipeline/scripts.js';
import { script } from '../../src/pipeline/workflow.js';

interface Run {
  status: number | null;
  out: string;
  dir: string;
}

function runBash(body: string, env: Record<string, string>): Run {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-script-'));
  const file = join(dir, 'step.sh');
  writeFileSync(file, script(body));
  writeFileSync(join(dir, 'github_env'), '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RUNNER_TEMP: dir,
      GITHUB_ENV: join(dir, 'github_env'),
      ...env,
    },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, dir };
}

const SECRETS = {
  KUBE_API_SERVER: 'https://203.0.113.77:6443',
  // Base64 as pasted from a terminal: wrapped, with a trailing newline.
  KUBE_CA_DATA: 'TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0\nQ2c9PQ==\n',
  KUBE_SA_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl',
};

describe('kubeconfig step', () => {
  it('writes a private kubeconfig for the ServiceAccount and exports KUBECONFIG', () => {
    const r = runBash(kubeconfigScript(), { ...SECRETS, APP_NAMESPACE: 'todo-app' });
    expect(r.status, r.out).toBe(0);
    const path = join(r.dir, 'kubeconfig');
    expect(readFileSync(join(r.dir, 'github_env'), 'utf8')).toBe(`KUBECONFIG=${path}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const kc = parse(readFileSync(path, 'utf8'));
    expect(kc['current-context']).toBe('deploy');
    expect(kc.clusters[0].cluster.server).toBe(SECRETS.KUBE_API_SERVER);
    expect(kc.clusters[0].cluster['certificate-authority-data']).toBe(
      SECRETS.KUBE_CA_DATA.replace(/\s/g, ''),
    );
    expect(kc.users[0].user.token).toBe(SECRETS.KUBE_SA_TOKEN);
    expect(kc.contexts[0].context.namespace).toBe('todo-app');
  });

  it('prints no secret, and masks the API host derived from one', () => {
    const r = runBash(kubeconfigScript(), { ...SECRETS, APP_NAMESPACE: 'todo-app' });
    expect(r.status).toBe(0);
    for (const value of Object.values(SECRETS)) expect(r.out).not.toContain(value.trim());
    expect(r.out).not.toContain('c2VjcmV0LXBheWxvYWQ'); // any fragment of the token
    expect(r.out.trim().split('\n')).toEqual(['::add-mask::203.0.113.77:6443']);
  });

  it('fails naming the empty secret, without printing the others', () => {
    const r = runBash(kubeconfigScript(), { ...SECRETS, KUBE_SA_TOKEN: '', APP_NAMESPACE: 'a' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('the KUBE_SA_TOKEN secret is empty');
    expect(r.out).not.toContain(SECRETS.KUBE_API_SERVER);
  });
});

describe('image tag validation', () => {
  it.each(['sha-3f2a9c1', 'v1.2.3', 'latest', '_x', 'a'.repeat(128)])('accepts %s', (tag) => {
    expect(runBash(validateTagScript(), { IMAGE_TAG: tag }).status).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['leading dash', '-rm'],
    ['leading dot', '.hidden'],
    ['too long', 'a'.repeat(129)],
    ['slash', 'a/b'],
    ['command substitution', '$(touch /tmp/pwned)'],
    ['workflow command injection', 'ok\n::add-mask::x\n::error::fake'],
  ])('rejects a tag with %s, without echoing it', (_what, tag) => {
    const r = runBash(validateTagScript(), { IMAGE_TAG: tag });
    expect(r.status).toBe(1);
    expect(r.out).toContain('::error::image_tag must be');
    if (tag.length > 2) expect(r.out).not.toContain(tag);
  });
});

describe('repository variable check', () => {
  it('names every missing variable and fails', () => {
    const body = requireVarsScript(['OCIR_REGISTRY', 'OCIR_NAMESPACE']);
    const r = runBash(body, { OCIR_REGISTRY: 'fra.ocir.io' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('variable OCIR_NAMESPACE is not set');
    expect(r.out).not.toContain('OCIR_REGISTRY is not set');
  });

  it('passes when all are set', () => {
    const r = runBash(requireVarsScript(['A', 'B']), { A: '1', B: '2' });
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
  });
});

// The kubeconfig from the Container Engine API (simulator): written 0600 to the state dir, its
// user replaced by the `todo-infra token` exec plugin — whose arguments, run through runToken,
// produce a token the simulator verifies — and merged elsewhere only on request, with a backup.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { openSession, type OciSession } from '../../src/oci/clients.js';
import { mergeKubeconfig, writeClusterKubeconfig } from '../../src/oci/kubeconfig.js';
import { FAST_RETRY, setup, type Fixture } from './fixtures.ts';
import { simOcid } from './oci-simulator-state.ts';

let fx: Fixture;
let s: OciSession;
let clusterId: string;
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nsim\n-----END CERTIFICATE-----\n').toString(
  'base64',
);

beforeEach(async () => {
  fx = await setup();
  s = openSession({
    configFile: fx.configFile,
    profile: 'DEFAULT',
    endpoint: fx.sim.url,
    log: memoryLogger().logger,
    retry: FAST_RETRY,
  });
  clusterId = simOcid('cluster', 'eu-frankfurt-1');
  fx.sim.state.clusters.set(clusterId, {
    id: clusterId,
    server: 'https://203.0.113.10:6443',
    privateServer: 'https://10.0.2.5:6443',
    caData: CA,
  });
});
afterEach(async () => fx.cleanup());

const opts = (extra: Partial<Parameters<typeof writeClusterKubeconfig>[1]> = {}) => ({
  clusterId,
  stateDir: join(fx.dir, 'state'),
  publicEndpoint: true,
  contextName: 'todo-infra-todo-oke',
  tokenArgs: [
    '--profile',
    'DEFAULT',
    '--oci-config-file',
    fx.configFile,
    '--oci-endpoint',
    fx.sim.url,
  ],
  ...extra,
});

interface Doc {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: {
    name: string;
    user: {
      exec: {
        apiVersion: string;
        command: string;
        args: string[];
        env: { name: string; value: string }[];
        interactiveMode: string;
      };
    };
  }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

describe('writeClusterKubeconfig', () => {
  it('writes <state>/kubeconfig with mode 600, the cluster and our exec plugin', async () => {
    const res = await writeClusterKubeconfig(s, opts());
    expect(res).toEqual({
      kubeconfigPath: join(fx.dir, 'state', 'kubeconfig'),
      context: 'todo-infra-todo-oke',
      server: 'https://203.0.113.10:6443',
    });
    expect(statSync(res.kubeconfigPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(res.kubeconfigPath, 'utf8');
    expect(text).not.toContain('generate-token'); // OKE's OCI CLI user is gone
    const doc = parse(text) as Doc;
    expect(doc.clusters).toEqual([
      {
        name: 'todo-infra-todo-oke',
        cluster: { server: 'https://203.0.113.10:6443', 'certificate-authority-data': CA },
      },
    ]);
    expect(doc.contexts).toEqual([
      {
        name: 'todo-infra-todo-oke',
        context: { cluster: 'todo-infra-todo-oke', user: 'todo-infra-todo-oke' },
      },
    ]);
    expect(doc['current-context']).toBe('todo-infra-todo-oke');
    const exec = doc.users[0]?.user.exec;
    expect(exec?.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(exec?.command).toBe(process.execPath);
    expect(exec?.args).toEqual([
      join(process.cwd(), 'bin', 'todo-infra.js'),
      'token',
      '--cluster-id',
      clusterId,
      '--region',
      'eu-frankfurt-1',
      '--profile',
      'DEFAULT',
      '--oci-config-file',
      fx.configFile,
      '--oci-endpoint',
      fx.sim.url,
    ]);
    expect(exec?.env).toEqual([{ name: 'TODO_INFRA_STATE_DIR', value: join(fx.dir, 'state') }]);
    expect(exec?.interactiveMode).toBe('Never');
    expect(fx.sim.state.kubeconfigRequests).toEqual([
      { tokenVersion: '2.0.0', endpoint: 'PUBLIC_ENDPOINT' },
    ]);
  });

  it('asks for the private endpoint when the API endpoint is private', async () => {
    const res = await writeClusterKubeconfig(s, opts({ publicEndpoint: false }));
    expect(res.server).toBe('https://10.0.2.5:6443');
    expect(fx.sim.state.kubeconfigRequests[0]?.endpoint).toBe('PRIVATE_ENDPOINT');
  });

  it('its exec plugin, run as kubectl would (built CLI), prints a token OKE would accept', async () => {
    // The production shape: no endpoint override, so the token targets the real region host;
    // the simulator's verifier checks the signature against that host.
    const res = await writeClusterKubeconfig(
      s,
      opts({
        tokenArgs: ['--profile', 'DEFAULT', '--oci-config-file', fx.configFile],
      }),
    );
    const exec = (parse(readFileSync(res.kubeconfigPath, 'utf8')) as Doc).users[0]?.user.exec;
    if (!exec) throw new Error('no exec plugin in the kubeconfig');
    if (!existsSync(join(process.cwd(), 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is not built: run `npx tsc -p .` (npm test builds first)');
    }
    const env = { ...process.env, ...Object.fromEntries(exec.env.map((e) => [e.name, e.value])) };
    const run = () => execFileSync(exec.command, exec.args, { env, encoding: 'utf8' });
    const stdout = run();
    const cred = JSON.parse(stdout) as {
      kind: string;
      status: { token: string; expirationTimestamp: string };
    };
    expect(cred.kind).toBe('ExecCredential');
    const url = new URL(Buffer.from(cred.status.token, 'base64url').toString('utf8'));
    expect(url.host).toBe('containerengine.eu-frankfurt-1.oraclecloud.com');
    expect(fx.sim.verifyToken(cred.status.token)).toMatchObject({ ok: true, clusterId });
    // The token was cached in the state dir the kubeconfig names; the next call reuses it.
    expect(readdirSync(join(fx.dir, 'state', 'oke-tokens'))).toHaveLength(1);
    expect(JSON.parse(run()).status.token).toBe(cred.status.token);
  });

  it('maps an unknown cluster to OCI_NOT_FOUND and writes nothing', async () => {
    const err = await writeClusterKubeconfig(
      s,
      opts({ clusterId: simOcid('cluster', 'eu-frankfurt-1') }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OCI_NOT_FOUND' });
    expect(existsSync(join(fx.dir, 'state', 'kubeconfig'))).toBe(false);
  });

  it('retries a 429 on createKubeconfig (POST, body re-signed on each attempt)', async () => {
    fx.sim.fault({
      method: 'POST',
      path: /kubeconfig\/content$/,
      status: 429,
      code: 'TooManyRequests',
      times: 1,
    });
    await writeClusterKubeconfig(s, opts());
    const posts = fx.sim.requests.filter((r) => r.path.endsWith('/kubeconfig/content'));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts.every((r) => r.signatureProblem === undefined)).toBe(true);
  });
});

describe('mergeKubeconfig (opt-in)', () => {
  const existing = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'work',
    clusters: [{ name: 'work', cluster: { server: 'https://work:6443' } }],
    users: [{ name: 'work', user: { token: 'abc' } }],
    contexts: [{ name: 'work', context: { cluster: 'work', user: 'work' } }],
  };

  it('adds our entries, keeps the others and the current context, and backs up first', async () => {
    const ours = (await writeClusterKubeconfig(s, opts())).kubeconfigPath;
    const target = join(fx.dir, 'home', '.kube', 'config');
    mkdirSync(join(fx.dir, 'home', '.kube'), { recursive: true });
    const original = JSON.stringify(existing);
    writeFileSync(target, original);
    const res = mergeKubeconfig(ours, target);
    expect(res.path).toBe(target);
    expect(readFileSync(res.backup ?? '', 'utf8')).toBe(original);
    const doc = parse(readFileSync(target, 'utf8')) as Doc;
    expect(doc.contexts.map((c) => c.name)).toEqual(['work', 'todo-infra-todo-oke']);
    expect(doc['current-context']).toBe('work');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    // Merging again replaces our entries instead of duplicating them.
    mergeKubeconfig(ours, target);
    const again = parse(readFileSync(target, 'utf8')) as Doc;
    expect(again.users.map((u) => u.name)).toEqual(['work', 'todo-infra-todo-oke']);
  });

  it('creates the target when missing, with our context current', async () => {
    const ours = (await writeClusterKubeconfig(s, opts())).kubeconfigPath;
    const target = join(fx.dir, 'fresh-config');
    const res = mergeKubeconfig(ours, target);
    expect(res.backup).toBeUndefined();
    expect((parse(readFileSync(target, 'utf8')) as Doc)['current-context']).toBe(
      'todo-infra-todo-oke',
    );
  });

  it('refuses to merge into an unparsable file and leaves it untouched', async () => {
    const ours = (await writeClusterKubeconfig(s, opts())).kubeconfigPath;
    const target = join(fx.dir, 'broken-config');
    writeFileSync(target, 'clusters: [unclosed');
    expect(() => mergeKubeconfig(ours, target)).toThrow(
      expect.objectContaining({
        code: 'KUBECONFIG_MERGE_UNPARSABLE',
      }),
    );
    expect(readFileSync(target, 'utf8')).toBe('clusters: [unclosed');
  });
});

// The deploy jobs' scripts, run for real against the local control plane as the CI/CD
// ServiceAccount, bound to a Role holding exactly DEPLOYER_PERMISSIONS: the kubeconfig step
// authenticates with a real TokenRequest token, the deploy updates the Deployments, rollout
// status waits for them (kwok nodes make pods Ready), a rollout that cannot finish (cordoned
// nodes) is rolled back to the previous revision, and taking away any one permission the
// scripts are said to need makes them fail with "forbidden". What kwok does not reproduce:
// images are never pulled, so a bad image is simulated by pods that cannot be scheduled.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { DEPLOYER_RULES } from '../../src/manifests/base/rbac.js';
import {
  DEPLOYER_PERMISSIONS,
  deployTargets,
  type Permission,
  type RbacRule,
} from '../../src/pipeline/deployer.js';
import {
  deployScript,
  kubeconfigScript,
  rollbackScript,
  rolloutStatusScript,
} from '../../src/pipeline/scripts.js';
import { script } from '../../src/pipeline/workflow.js';
import { useCluster } from '../cluster/fixture.ts';
import { ensureTools } from '../tools/build.ts';

const cluster = useCluster();
const NS = 'pipeline-deploy-e2e';
const SA = 'github-actions';
const PREFIX = 'registry.example.invalid/tenancy';
const config = configSchema.parse({
  apps: { namespace: NS, workers: [{ appId: 'audit-worker', topics: ['task-events'] }] },
});
const targets = deployTargets(config);

let kubectlBin = '';
const runner = mkdtempSync(join(tmpdir(), 'todo-infra-deploy-runner-'));

function admin(args: string[], input?: string): string {
  const r = spawnSync(kubectlBin, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    encoding: 'utf8',
    input,
  });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs a rendered script like a GitHub step, with the runner's files in `runner`. */
function step(body: string, env: Record<string, string>): { status: number | null; out: string } {
  const file = join(runner, 'step.sh');
  writeFileSync(file, script(body));
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    encoding: 'utf8',
    env: {
      PATH: `${dirname(kubectlBin)}:${process.env.PATH ?? ''}`,
      HOME: runner,
      RUNNER_TEMP: runner,
      GITHUB_ENV: join(runner, 'github_env'),
      KUBECONFIG: join(runner, 'kubeconfig'),
      APP_NAMESPACE: NS,
      ROLLOUT_TIMEOUT: '120s',
      IMAGE_PREFIX: PREFIX,
      ...env,
    },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function setRole(perms: readonly Permission[], given?: readonly RbacRule[]): void {
  const rules: RbacRule[] = given ? [...given] : [];
  for (const p of given ? [] : perms) {
    const r = rules.find((x) => x.apiGroups[0] === p.apiGroup && x.resources[0] === p.resource);
    if (r) r.verbs.push(p.verb);
    else rules.push({ apiGroups: [p.apiGroup], resources: [p.resource], verbs: [p.verb] });
  }
  admin(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'deployer', namespace: NS },
      rules,
    }),
  );
  // The authorizer reads RBAC through an informer: wait until it agrees with the new rules.
  const as = `system:serviceaccount:${NS}:${SA}`;
  for (const p of DEPLOYER_PERMISSIONS) {
    const want = perms.includes(p) ? 'yes' : 'no';
    const resource = p.apiGroup ? `${p.resource}.${p.apiGroup}` : p.resource;
    for (let i = 0; i < 50; i++) {
      const r = spawnSync(
        kubectlBin,
        [
          '--kubeconfig',
          cluster.kubeconfigPath,
          'auth',
          'can-i',
          p.verb,
          resource,
          '-n',
          NS,
          '--as',
          as,
        ],
        { encoding: 'utf8' },
      );
      if (r.stdout.trim() === want) break;
      spawnSync('sleep', ['0.2']);
    }
  }
}

function images(): Record<string, string> {
  const list = JSON.parse(admin(['get', 'deployments', '-n', NS, '-o', 'json'])) as {
    items: Array<{
      metadata: { name: string };
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>;
  };
  return Object.fromEntries(
    list.items.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]!.image]),
  );
}

function changed(): string[] {
  return readFileSync(join(runner, 'changed-deployments'), 'utf8').split('\n').filter(Boolean);
}

beforeAll(async () => {
  kubectlBin = (await ensureTools(['kubernetes'])).kubectl!;
  admin(['create', 'namespace', NS]);
  admin(['create', 'serviceaccount', SA, '-n', NS]);
  admin([
    'create',
    'rolebinding',
    'deployer',
    '-n',
    NS,
    '--role',
    'deployer',
    `--serviceaccount=${NS}:${SA}`,
  ]);
  setRole(DEPLOYER_PERMISSIONS);
  for (const t of targets) {
    admin(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: t.deployment, namespace: NS },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: t.deployment } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels: { app: t.deployment } },
            spec: {
              containers: [{ name: t.container, image: `${PREFIX}/${t.repository}:initial` }],
            },
          },
        },
      }),
    );
  }
  for (const t of targets) {
    admin(['rollout', 'status', `deployment/${t.deployment}`, '-n', NS, '--timeout', '120s']);
  }
  // The kubeconfig step, with a real token of the ServiceAccount (TokenRequest API).
  const token = admin(['create', 'token', SA, '-n', NS, '--duration', '1h']).trim();
  const adminKc = parse(readFileSync(cluster.kubeconfigPath, 'utf8'));
  const r = step(kubeconfigScript(), {
    KUBE_API_SERVER: cluster.server,
    KUBE_CA_DATA: adminKc.clusters[0].cluster['certificate-authority-data'],
    KUBE_SA_TOKEN: token,
  });
  if (r.status !== 0) throw new Error(`kubeconfig step failed: ${r.out}`);
}, 600_000);

describe('deploy scripts as the CI/CD ServiceAccount', () => {
  it('acts as the ServiceAccount, not as an admin', () => {
    const r = spawnSync(
      kubectlBin,
      ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(runner, 'kubeconfig') } },
    );
    expect(r.stdout).toBe(`system:serviceaccount:${NS}:${SA}`);
  });

  it('updates every Deployment and waits for the rollouts', () => {
    const deploy = step(deployScript(targets), { IMAGE_TAG: 'sha-good' });
    expect(deploy.status, deploy.out).toBe(0);
    expect(changed()).toEqual(targets.map((t) => `${t.deployment} 1`));
    const status = step(rolloutStatusScript(), {});
    expect(status.status, status.out).toBe(0);
    expect(status.out).toContain('successfully rolled out');
    for (const t of targets) {
      expect(images()[t.deployment]).toBe(`${PREFIX}/${t.repository}:sha-good`);
    }
  });

  it('changes nothing when the Deployments already run the tag', () => {
    const deploy = step(deployScript(targets), { IMAGE_TAG: 'sha-good' });
    expect(deploy.status, deploy.out).toBe(0);
    expect(changed()).toEqual([]);
    expect(step(rolloutStatusScript(), {}).out).toContain('nothing to wait for');
  });

  it('rolls every changed Deployment back when a rollout cannot finish', () => {
    const nodes = cluster.nodeNames;
    for (const n of nodes) admin(['cordon', n]);
    try {
      expect(step(deployScript(targets), { IMAGE_TAG: 'sha-bad' }).status).toBe(0);
      const status = step(rolloutStatusScript(), { ROLLOUT_TIMEOUT: '3s' });
      expect(status.status).not.toBe(0);
      const rollback = step(rollbackScript(), {});
      expect(rollback.status, rollback.out).toBe(0);
      expect(rollback.out).toContain('rolled back');
    } finally {
      for (const n of nodes) admin(['uncordon', n]);
    }
    for (const t of targets) {
      expect(images()[t.deployment]).toBe(`${PREFIX}/${t.repository}:sha-good`);
    }
  });

  it.each([
    ['apps/deployments/get', deployScript(targets), {}],
    ['apps/deployments/patch', deployScript(targets), {}],
    // kubectl 1.35+ lists through a watch (client-go WatchListClient) and falls back to LIST;
    // kubectl up to 1.34, which the workflows install for a 1.34 cluster, lists with LIST.
    ['apps/deployments/list', rolloutStatusScript(), { KUBE_FEATURE_WatchListClient: 'false' }],
    ['apps/replicasets/list', rollbackScript(), {}],
  ])('fails with "forbidden" without %s', (missing, body, env: Record<string, string>) => {
    // Leave one changed Deployment for the status/rollback scripts to act on.
    writeFileSync(join(runner, 'changed-deployments'), `${targets[0]!.deployment} 1\n`);
    setRole(
      DEPLOYER_PERMISSIONS.filter((p) => `${p.apiGroup}/${p.resource}/${p.verb}` !== missing),
    );
    try {
      const r = step(body, { IMAGE_TAG: 'sha-other', ROLLOUT_TIMEOUT: '10s', ...env });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/forbidden/i);
    } finally {
      setRole(DEPLOYER_PERMISSIONS);
    }
  });

  it('fails with "forbidden" without apps/deployments/watch while a rollout is in progress', () => {
    // A finished rollout is seen in the initial list; only one still going needs the watch.
    const t = targets[0]!;
    for (const n of cluster.nodeNames) admin(['cordon', n]);
    try {
      admin([
        'set',
        'image',
        `deployment/${t.deployment}`,
        '-n',
        NS,
        `${t.container}=${PREFIX}/stuck:1`,
      ]);
      writeFileSync(join(runner, 'changed-deployments'), `${t.deployment} 1\n`);
      setRole(
        DEPLOYER_PERMISSIONS.filter((p) => !(p.resource === 'deployments' && p.verb === 'watch')),
      );
      const r = step(rolloutStatusScript(), { ROLLOUT_TIMEOUT: '5s' });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/forbidden/i);
    } finally {
      setRole(DEPLOYER_PERMISSIONS);
      admin(['rollout', 'undo', `deployment/${t.deployment}`, '-n', NS]);
      for (const n of cluster.nodeNames) admin(['uncordon', n]);
    }
    admin(['rollout', 'status', `deployment/${t.deployment}`, '-n', NS, '--timeout', '60s']);
  });

  it('deploys, waits and rolls back with the Role phase base renders', () => {
    setRole(DEPLOYER_PERMISSIONS, DEPLOYER_RULES);
    try {
      expect(step(deployScript(targets), { IMAGE_TAG: 'sha-base-role' }).status).toBe(0);
      const status = step(rolloutStatusScript(), {});
      expect(status.status, status.out).toBe(0);
      const rollback = step(rollbackScript(), {});
      expect(rollback.status, rollback.out).toBe(0);
      expect(rollback.out).toContain('rolled back');
    } finally {
      setRole(DEPLOYER_PERMISSIONS);
    }
  });

  it('needs nothing more: with exactly the declared permissions the same scripts pass', () => {
    writeFileSync(join(runner, 'changed-deployments'), '');
    for (const [i, env] of [{}, { KUBE_FEATURE_WatchListClient: 'false' }].entries()) {
      const deploy = step(deployScript(targets), { IMAGE_TAG: `sha-final-${i}`, ...env });
      expect(changed()).toHaveLength(targets.length);
      expect(deploy.status, deploy.out).toBe(0);
      const status = step(rolloutStatusScript(), env);
      expect(status.status, status.out).toBe(0);
    }
  });
});

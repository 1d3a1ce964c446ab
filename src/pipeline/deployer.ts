// What the deploy jobs do to the cluster, as data: which Deployments they change, and which
// Kubernetes API permissions each kubectl command they run needs. The CI/CD ServiceAccount's
// Role (rendered by the `base` phase) must grant all of it; the tests cross-check the two so a
// workflow change that needs a new verb fails here, not halfway through a production deploy.
//
// The per-command requirements were read from kubectl's source (k8s.io/kubectl v0.36):
// - `get deployment NAME`: the resource builder GETs the object.
// - `set image deployment/NAME`: builder GET, then a strategic-merge PATCH of the Deployment.
// - `rollout status deployment/NAME`: builder GET, then LIST + WATCH of deployments with a
//   metadata.name field selector (watchtools.UntilWithSync); no ReplicaSet access. kubectl
//   1.35+ (client-go WatchListClient on) lists through a watch and falls back to LIST; up to
//   1.34 (what the workflows install for a 1.34 cluster) it uses LIST. WATCH matters only
//   while a rollout is still going. test/pipeline/deploy-cluster.test.ts shows each one needed.
// - `rollout undo deployment/NAME`: GET of the Deployment, LIST of ReplicaSets by the
//   Deployment's label selector to find the revision, then a PATCH of the Deployment.
import type { Config } from '../config/schema.js';
import { CI_SERVICE_ACCOUNT as SA_NAME, CI_TOKEN_SECRET } from '../manifests/base/rbac.js';

export interface Permission {
  apiGroup: string;
  resource: string;
  verb: string;
}

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const dep = (verb: string): Permission => ({ apiGroup: 'apps', resource: 'deployments', verb });
const rs = (verb: string): Permission => ({ apiGroup: 'apps', resource: 'replicasets', verb });

/** kubectl command (subcommand words + resource kind) -> the API permissions it needs. */
export const KUBECTL_NEEDS: Record<string, Permission[]> = {
  'get deployment': [dep('get')],
  'set image deployment': [dep('get'), dep('patch')],
  'rollout status deployment': [dep('get'), dep('list'), dep('watch')],
  'rollout undo deployment': [dep('get'), rs('list'), dep('patch')],
};

/**
 * The permissions the deploy jobs use, in the order a Role would list them. The README and the
 * cross-check test read this; the workflows' scripts are checked against it.
 */
export const DEPLOYER_PERMISSIONS: readonly Permission[] = [
  dep('get'),
  dep('list'),
  dep('watch'),
  dep('patch'),
  rs('list'),
];

/** The same permissions grouped as Role rules. */
export function deployerRules(): RbacRule[] {
  const byResource = new Map<string, RbacRule>();
  for (const p of DEPLOYER_PERMISSIONS) {
    const key = `${p.apiGroup}/${p.resource}`;
    const rule = byResource.get(key) ?? {
      apiGroups: [p.apiGroup],
      resources: [p.resource],
      verbs: [],
    };
    rule.verbs.push(p.verb);
    byResource.set(key, rule);
  }
  return [...byResource.values()];
}

export interface KubectlUse {
  /** e.g. "rollout undo deployment" */
  command: string;
  line: string;
}

/**
 * Finds every kubectl invocation in a shell script and names it by its subcommand words and
 * resource kind. The rendered scripts write kubectl commands as `kubectl SUB [SUB] KIND/NAME`
 * or `kubectl get KIND NAME`, flags after, which is what this reads; comment lines are skipped.
 * Anything it cannot name is reported as unknown by permissionsFor(), so a new command fails
 * the cross-check test until KUBECTL_NEEDS says what it needs.
 */
export function kubectlUses(script: string): KubectlUse[] {
  const found: KubectlUse[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    for (const m of line.matchAll(/(?:^|[\s;|&(])kubectl\s+([^\n]*)/g)) {
      const tokens = (m[1] ?? '').split(/\s+/);
      const words: string[] = [];
      for (const t of tokens) {
        if (words.length === 3 || !/^[a-z][a-z-]*$/.test(t)) break;
        words.push(t);
      }
      // KIND/NAME right after the subcommand words names the kind (`rollout undo deploy/x`).
      const next = (tokens[words.length] ?? '').replace(/^["']/, '');
      if (next.includes('/')) words.push(next.slice(0, next.indexOf('/')));
      found.push({ command: words.join(' '), line });
    }
  }
  return found;
}

/** Permissions a script needs, or the commands this module does not know (a test failure). */
export function permissionsFor(scripts: string[]): { needs: Permission[]; unknown: string[] } {
  const needs: Permission[] = [];
  const unknown: string[] = [];
  for (const script of scripts) {
    for (const use of kubectlUses(script)) {
      const p = KUBECTL_NEEDS[use.command];
      if (!p) unknown.push(`${use.command} (in: ${use.line})`);
      else needs.push(...p);
    }
  }
  return { needs: dedupe(needs), unknown };
}

export function dedupe(perms: Permission[]): Permission[] {
  const seen = new Map<string, Permission>();
  for (const p of perms) seen.set(`${p.apiGroup}/${p.resource}/${p.verb}`, p);
  return [...seen.values()];
}

/** One Deployment the deploy jobs update, and the image it gets. */
export interface DeployTarget {
  deployment: string;
  container: string;
  /** OCIR repository name (without registry host and namespace). */
  repository: string;
}

/**
 * The Deployments a deploy updates, named as the `apps` phase names them: `frontend` and
 * `backend` (Deployment and container named after the component, see
 * src/manifests/apps/deployment.ts), and one Deployment per enabled worker named by its Dapr
 * app id (the config says the app id is also the Deployment name), its container likewise.
 * The tests compare this with the apps phase's manifests when they are present.
 */
export function deployTargets(config: Config): DeployTarget[] {
  const repos = config.registry.repositories;
  const targets: DeployTarget[] = [
    { deployment: 'frontend', container: 'frontend', repository: repos.frontend },
    { deployment: 'backend', container: 'backend', repository: repos.backend },
  ];
  for (const w of config.apps.workers) {
    if (!w.enabled) continue;
    targets.push({ deployment: w.appId, container: w.appId, repository: repos.worker });
  }
  return targets;
}

/**
 * The CI/CD identity phase `base` creates in the app namespace: the ServiceAccount the deploy
 * jobs' token belongs to, and its long-lived token Secret (names owned by base's RBAC). The
 * Role itself is rendered by `base` and cross-checked against DEPLOYER_PERMISSIONS in tests.
 */
export const CI_SERVICE_ACCOUNT = { name: SA_NAME, tokenSecret: CI_TOKEN_SECRET };

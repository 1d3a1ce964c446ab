// What the deploy jobs do in the cluster against what the CI/CD ServiceAccount may do. The
// kubectl commands are read out of the rendered scripts, mapped to API permissions (table in
// src/pipeline/deployer.ts, from kubectl's source), and compared with the declared list and
// with the deployer Role phase `base` renders.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import {
  CI_SERVICE_ACCOUNT,
  DEPLOYER_PERMISSIONS,
  deployTargets,
  deployerRules,
  kubectlUses,
  permissionsFor,
  type Permission,
  type RbacRule,
} from '../../src/pipeline/deployer.js';
import { deploymentObject } from '../../src/manifests/apps/deployment.js';
import { DEPLOYER_RULES, rbacObjects } from '../../src/manifests/base/rbac.js';
import { renderPipeline } from '../../src/pipeline/index.js';
import { CONFIG_NAMES, configOf, parseWorkflow } from './helpers.js';

const key = (p: Permission): string => `${p.apiGroup}/${p.resource}/${p.verb}`;

function runScripts(config: Config, file: string): string[] {
  const wf = parseWorkflow(renderPipeline(config).texts[file]!);
  return Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
}

function grants(rules: readonly RbacRule[], p: Permission): boolean {
  const has = (list: string[], v: string): boolean => list.includes(v) || list.includes('*');
  return rules.some(
    (r) => has(r.apiGroups, p.apiGroup) && has(r.resources, p.resource) && has(r.verbs, p.verb),
  );
}

describe('kubectl command parsing', () => {
  it('names commands by subcommand and kind, in both KIND/NAME and KIND NAME forms', () => {
    const uses = kubectlUses(
      [
        '# kubectl delete namespace everything   (a comment: ignored)',
        'current="$(kubectl get deployment "${d}" --namespace x -o name)"',
        'kubectl set image "deployment/${d}" --namespace x "c=i"',
        'kubectl rollout undo "deployment/${d}" --to-revision 3 || status=1',
      ].join('\n'),
    );
    expect(uses.map((u) => u.command)).toEqual([
      'get deployment',
      'set image deployment',
      'rollout undo deployment',
    ]);
  });

  it('reports a command it has no permission table for', () => {
    expect(permissionsFor(['kubectl delete pod/x']).unknown).toHaveLength(1);
  });
});

describe('deployer permissions', () => {
  it.each(CONFIG_NAMES)('the deploy scripts need exactly the declared permissions (%s)', (name) => {
    const config = configOf(name);
    const scripts = [...runScripts(config, 'cd-dev.yaml'), ...runScripts(config, 'cd-prod.yaml')];
    const { needs, unknown } = permissionsFor(scripts);
    expect(unknown).toEqual([]);
    expect(needs.map(key).sort()).toEqual(DEPLOYER_PERMISSIONS.map(key).sort());
  });

  it('cd-prod alone needs all of them (its rollback uses ReplicaSets)', () => {
    const { needs } = permissionsFor(runScripts(configOf('default'), 'cd-prod.yaml'));
    expect(needs.map(key)).toContain('apps/replicasets/list');
  });

  it('ci.yaml never talks to the cluster', () => {
    expect(permissionsFor(runScripts(configOf('default'), 'ci.yaml')).needs).toEqual([]);
  });

  it('the declared list, as Role rules, grants each permission', () => {
    for (const p of DEPLOYER_PERMISSIONS) expect(grants(deployerRules(), p), key(p)).toBe(true);
  });
});

// The base phase's Role and the apps phase's Deployments, as those phases render them.
describe("against phase base's deployer Role", () => {
  it.each(CONFIG_NAMES)('grants every permission the deploy jobs use (%s)', (name) => {
    const config = configOf(name);
    const role = rbacObjects(config).find((o) => o.kind === 'Role') as unknown as {
      rules: RbacRule[];
      metadata: { namespace: string };
    };
    expect(role.metadata.namespace).toBe(config.apps.namespace);
    const scripts = [...runScripts(config, 'cd-dev.yaml'), ...runScripts(config, 'cd-prod.yaml')];
    const missing = permissionsFor(scripts).needs.filter((p) => !grants(role.rules, p));
    expect(missing.map(key)).toEqual([]);
    expect(DEPLOYER_PERMISSIONS.filter((p) => !grants(DEPLOYER_RULES, p))).toEqual([]);
  });

  it('binds it to the ServiceAccount whose token the README tells users to store', () => {
    const config = configOf('default');
    const binding = rbacObjects(config).find((o) => o.kind === 'RoleBinding') as unknown as {
      subjects: Array<{ kind: string; name: string }>;
    };
    expect(binding.subjects).toContainEqual(
      expect.objectContaining({ kind: 'ServiceAccount', name: CI_SERVICE_ACCOUNT.name }),
    );
    const section = renderPipeline(config).readmeSection;
    expect(section).toContain(`kubectl get secret ${CI_SERVICE_ACCOUNT.tokenSecret} `);
    expect(section).toContain(`kubectl create token ${CI_SERVICE_ACCOUNT.name} `);
  });
});

describe("against phase apps' Deployments", () => {
  it.each(CONFIG_NAMES)('updates Deployments and containers that exist (%s)', (name) => {
    const config = configOf(name);
    for (const component of ['frontend', 'backend'] as const) {
      const d = deploymentObject(config, component, { image: 'x.invalid/x:1' }) as unknown as {
        metadata: { name: string };
        spec: { template: { spec: { containers: Array<{ name: string }> } } };
      };
      const repo = config.registry.repositories[component];
      const target = deployTargets(config).find((t) => t.repository === repo);
      expect(target?.deployment).toBe(d.metadata.name);
      expect(d.spec.template.spec.containers.map((c) => c.name)).toContain(target?.container);
    }
  });
});

// Phase hardening (runbook T155–T170): NetworkPolicies for the app namespace, then audits of
// what is running — workload identities and their API access, secrets in ConfigMaps, TLS and
// security headers on the public Ingress. It runs last among the cluster phases because
// default-deny policies would cut traffic the earlier phases' checks rely on.
//
// Ownership: this phase writes NetworkPolicies only. ServiceAccounts, Deployments and the
// Ingress belong to the apps and workers phases (one server-side-apply field manager means a
// second writer of the same object would take over or drop their fields); hardening audits
// them and names the phase that must change when an audit fails.
import type { Config } from '../config/schema.js';
import { redact } from '../core/redact.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { Kube } from '../kube/types.js';
import { APP_INGRESS_NAME } from '../manifests/apps/ingress.js';
import {
  POLICY_TARGETS,
  networkPolicies,
  type ApiEndpoint,
} from '../manifests/hardening/network-policies.js';
import { checkPolicies, enforcementEngine, livePods } from '../manifests/hardening/policy-check.js';
import { auditWorkloadAccess } from '../manifests/hardening/rbac-audit.js';
import { renderHardening } from '../manifests/hardening/render.js';
import { auditSecrets } from '../manifests/hardening/secret-scan.js';
import { checkTls, missingAnnotations } from '../manifests/hardening/tls.js';
import { tasks } from './runbook.js';

const NP = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' } as const;

/** Addresses behind the `kubernetes` Service (what a pod's API traffic is DNATed to). */
export async function apiServerEndpoints(kube: Kube): Promise<ApiEndpoint[]> {
  const slices = await kube.list(
    'discovery.k8s.io/v1',
    'EndpointSlice',
    'default',
    'kubernetes.io/service-name=kubernetes',
  );
  const out: ApiEndpoint[] = [];
  for (const s of slices) {
    const ports = ((s.ports ?? []) as Array<{ port?: number }>).map((p) => p.port ?? 443);
    for (const e of (s.endpoints ?? []) as Array<{ addresses?: string[] }>) {
      for (const ip of e.addresses ?? []) for (const port of ports) out.push({ ip, port });
    }
  }
  return out;
}

/** Everything the checkpoint judges, as problem lines and notes. */
async function audit(
  ctx: PhaseContext,
  kube: Kube,
): Promise<{ problems: string[]; notes: string[] }> {
  const { config } = ctx;
  const ns = config.apps.namespace;
  const problems: string[] = [];
  const notes: string[] = [];

  if (config.hardening.networkPolicies) {
    const report = checkPolicies(
      await kube.list(NP.apiVersion, NP.kind, ns),
      livePods(await kube.list('v1', 'Pod', ns)),
      await kube.list('v1', 'Namespace'),
    );
    problems.push(...report.problems);
    const engine = await enforcementEngine(kube);
    notes.push(
      `${Object.keys(POLICY_TARGETS).length} NetworkPolicies select their intended pods`,
      engine
        ? `enforced by ${engine}`
        : 'NOT enforced: no NetworkPolicy engine runs in the cluster (flannel ignores policies)',
    );
  }

  const rbac = await auditWorkloadAccess(kube, ns, {
    perWorkload: config.hardening.serviceAccountPerWorkload,
  });
  problems.push(...rbac.problems);
  notes.push(`ServiceAccounts ${rbac.audited.join(', ') || '(none)'} have no forbidden access`);

  const secrets = await auditSecrets(kube, ns, (text) => redact(text) !== text);
  problems.push(
    ...secrets.leaks.map((l) => `ConfigMap ${ns}/${l.configMap} key ${l.key}: ` + `${l.reason}`),
  );
  notes.push(
    `${secrets.configMaps} ConfigMaps hold no secret; ` + `Secrets: ${secrets.secrets.join(', ')}`,
  );

  const ingress = await kube.get({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    name: APP_INGRESS_NAME,
    namespace: ns,
  });
  if (config.ingress.tls.enabled) {
    const secret = await kube.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: config.ingress.tls.secretName,
      namespace: ns,
    });
    const tls = checkTls(config, secret, ingress);
    problems.push(...tls.problems);
    notes.push(...tls.notes);
  }
  const missing = missingAnnotations(config, ingress);
  if (missing.length > 0) {
    problems.push(
      `Ingress ${ns}/${APP_INGRESS_NAME} lacks the security header annotations ` +
        `${missing.join(', ')} (the apps phase owns the Ingress and must set them; or set ` +
        'hardening.securityHeaders: false)',
    );
  }
  return { problems, notes };
}

export const hardeningPhase: Phase = {
  id: 'hardening',
  title: 'Network policies, RBAC refinement, TLS',
  needs: ['apps', 'workers', 'monitoring'],
  runbook: tasks([155, 170]),

  inputs(ctx) {
    const { config } = ctx;
    return {
      hardening: config.hardening,
      policies: config.hardening.networkPolicies ? networkPolicies(config) : [],
      tls: config.ingress.tls,
      host: config.ingress.host,
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const items: PlanItem[] = config.hardening.networkPolicies
      ? networkPolicies(config).map((p) => ({
          action: 'apply',
          what: `NetworkPolicy ${config.apps.namespace}/${p.metadata.name}`,
        }))
      : Object.keys(POLICY_TARGETS).map((name) => ({
          action: 'delete',
          what: `NetworkPolicy ${config.apps.namespace}/${name} (if present)`,
        }));
    items.push(
      { action: 'check', what: 'workload ServiceAccounts: own identity, no token, no API access' },
      { action: 'check', what: 'ConfigMaps hold no secrets' },
      { action: 'check', what: 'TLS secret, certificate and security headers on the Ingress' },
    );
    return items;
  },

  async run(ctx): Promise<Outputs> {
    const { config } = ctx;
    const ns = config.apps.namespace;
    const kube = await ctx.kube();
    const outputs: Outputs = { namespace: ns };
    if (config.hardening.networkPolicies) {
      ctx.step('network policies');
      const endpoints = await apiServerEndpoints(kube);
      if (endpoints.length === 0) {
        ctx.log.info(
          `the kubernetes Service shows no endpoints; allow-apiserver allows ` +
            `${config.network.vcnCidr}:6443`,
        );
      }
      const results = await kube.apply(networkPolicies(config, endpoints));
      const changed = results.filter((r) => r.action !== 'unchanged').length;
      ctx.log.info(`${results.length} NetworkPolicies applied (${changed} created or changed)`);
      const engine = await enforcementEngine(kube);
      if (!engine) {
        ctx.log.warn(
          'no NetworkPolicy engine runs in this cluster: the policies are stored but ' +
            'not enforced (OKE flannel ignores them; install Calico in policy-only mode)',
        );
      }
      Object.assign(outputs, {
        policies: results.map((r) => r.ref.name),
        apiServer: endpoints.map((e) => `${e.ip}:${e.port}`),
        enforcedBy: engine ?? null,
      });
    } else {
      ctx.step('remove network policies (hardening.networkPolicies is false)');
      for (const name of Object.keys(POLICY_TARGETS)) {
        if (await kube.delete({ ...NP, name, namespace: ns })) ctx.log.info(`deleted ${name}`);
      }
    }
    ctx.step('audits');
    const { problems, notes } = await audit(ctx, kube);
    for (const n of notes) ctx.log.info(n);
    for (const p of problems) ctx.log.warn(p);
    return outputs;
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const kube = await ctx.kube();
    const { problems, notes } = await audit(ctx, kube);
    if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
    return { ok: true, detail: notes.join('; ') };
  },

  render(config: Config) {
    return renderHardening(config);
  },
};

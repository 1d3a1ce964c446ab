// Health-probe audit (runbook T141–T144): every Deployment in the app namespace — frontend,
// backend, the workers, and anything added by hand — must give each of its containers a
// liveness probe on /health (initial delay 30 s, period 10 s) and a readiness probe on /ready
// (5 s / 5 s). The audit reads the applied objects from the API server, not the manifests
// todo-infra would build, so a Deployment edited or created by someone else is judged too.
//
// daprd is not in a Deployment's template (the injector adds it to each pod) and has its own
// probes, so only the template's containers are audited.
import type { Kube, KubeObject } from '../../kube/types.js';

export interface ProbeRule {
  kind: 'livenessProbe' | 'readinessProbe';
  path: string;
  initialDelaySeconds: number;
  periodSeconds: number;
}

export const PROBE_RULES: readonly ProbeRule[] = [
  { kind: 'livenessProbe', path: '/health', initialDelaySeconds: 30, periodSeconds: 10 },
  { kind: 'readinessProbe', path: '/ready', initialDelaySeconds: 5, periodSeconds: 5 },
];

export interface ProbeFinding {
  deployment: string;
  container: string;
  problem: string;
}

export interface ProbeAudit {
  deployments: string[];
  findings: ProbeFinding[];
}

type Probe = {
  httpGet?: { path?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
};
type Container = { name: string } & Partial<Record<ProbeRule['kind'], Probe>>;

/** What is wrong with one probe, or undefined when it matches the rule. */
function checkProbe(probe: Probe | undefined, rule: ProbeRule): string | undefined {
  if (!probe) return `has no ${rule.kind}`;
  const problems: string[] = [];
  const path = probe.httpGet?.path;
  if (path !== rule.path) {
    problems.push(path === undefined ? 'is not an HTTP GET' : `checks ${path}, not ${rule.path}`);
  }
  // The API server defaults periodSeconds to 10 and initialDelaySeconds to 0 when omitted.
  const delay = probe.initialDelaySeconds ?? 0;
  const period = probe.periodSeconds ?? 10;
  if (delay !== rule.initialDelaySeconds) {
    problems.push(`initialDelaySeconds is ${delay}, not ${rule.initialDelaySeconds}`);
  }
  if (period !== rule.periodSeconds) {
    problems.push(`periodSeconds is ${period}, not ${rule.periodSeconds}`);
  }
  return problems.length > 0 ? `${rule.kind} ${problems.join(', ')}` : undefined;
}

export function auditDeployments(deployments: KubeObject[]): ProbeAudit {
  const findings: ProbeFinding[] = [];
  for (const dep of deployments) {
    const template = (dep.spec as { template?: { spec?: { containers?: Container[] } } })?.template;
    for (const container of template?.spec?.containers ?? []) {
      for (const rule of PROBE_RULES) {
        const problem = checkProbe(container[rule.kind], rule);
        if (problem) {
          findings.push({ deployment: dep.metadata.name, container: container.name, problem });
        }
      }
    }
  }
  return { deployments: deployments.map((d) => d.metadata.name).sort(), findings };
}

export async function auditProbes(kube: Kube, namespace: string): Promise<ProbeAudit> {
  return auditDeployments(await kube.list('apps/v1', 'Deployment', namespace));
}

/** One line per finding, naming the Deployment and container. */
export function describeFindings(findings: ProbeFinding[]): string {
  return findings
    .map((f) => `Deployment ${f.deployment} container ${f.container} ${f.problem}`)
    .join('; ');
}

// Does each NetworkPolicy select the pods it is meant for? (runbook T159–T160, the part that
// can be checked without a CNI.) The live policies' podSelectors are evaluated against the
// live pods' labels with Kubernetes' label-selector rules, and compared with POLICY_TARGETS;
// the namespaceSelectors of their peers must match existing namespaces. A policy that selects
// nothing (a label typo) or the wrong pods is a silent hole or a silent outage once a CNI
// enforces it — this is where it is caught.
//
// Enforcement itself is the CNI's job: OKE's flannel does not enforce NetworkPolicies at all
// (Calico in policy-only mode does). enforcementEngine() looks for a known policy engine.
import type { Kube, KubeObject } from '../../kube/types.js';
import { APP_PODS, POLICY_TARGETS, type PolicyTarget } from './network-policies.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Kubernetes label-selector semantics; an empty selector matches everything. */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key] as string);
    const ok =
      e.operator === 'In'
        ? inValues
        : e.operator === 'NotIn'
          ? !inValues
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

const labelsOf = (o: KubeObject) => o.metadata.labels ?? {};

export function intended(target: PolicyTarget, pod: KubeObject): boolean {
  if (target === 'every') return true;
  const labels = labelsOf(pod);
  if (target === 'app') return matchesSelector({ matchLabels: { ...APP_PODS } }, labels);
  return target.components.includes(labels['app.kubernetes.io/name'] ?? '');
}

/** Pods that count: not finished and not on their way out. */
export function livePods(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => {
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    return !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
  });
}

type Peer = { namespaceSelector?: LabelSelector; podSelector?: LabelSelector };
type Rule = { from?: Peer[]; to?: Peer[] };

export interface PolicyReport {
  problems: string[];
  /** policy name → names of the live pods it selects */
  selected: Record<string, string[]>;
}

export function checkPolicies(
  policies: KubeObject[],
  pods: KubeObject[],
  namespaces: KubeObject[],
): PolicyReport {
  const problems: string[] = [];
  const selected: Record<string, string[]> = {};
  const byName = new Map(policies.map((p) => [p.metadata.name, p]));
  for (const [name, target] of Object.entries(POLICY_TARGETS)) {
    const live = byName.get(name);
    if (!live) {
      problems.push(`NetworkPolicy ${name} is missing`);
      continue;
    }
    const spec = live.spec as { podSelector?: LabelSelector; ingress?: Rule[]; egress?: Rule[] };
    const picks = pods.filter((p) => matchesSelector(spec.podSelector, labelsOf(p)));
    selected[name] = picks.map((p) => p.metadata.name).sort();
    const missed = pods.filter((p) => intended(target, p) && !picks.includes(p));
    const extra = picks.filter((p) => !intended(target, p));
    if (missed.length > 0) {
      problems.push(`NetworkPolicy ${name} does not select ${names(missed)}`);
    }
    if (extra.length > 0) {
      problems.push(`NetworkPolicy ${name} also selects ${names(extra)}, which it should not`);
    }
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        if (!peer.namespaceSelector) continue;
        const hit = namespaces.some((n) => matchesSelector(peer.namespaceSelector, labelsOf(n)));
        if (!hit) {
          problems.push(
            `NetworkPolicy ${name} names namespaces ` +
              `${JSON.stringify(peer.namespaceSelector.matchLabels ?? peer.namespaceSelector)} ` +
              'that do not exist',
          );
        }
      }
    }
  }
  return { problems, selected };
}

function names(pods: KubeObject[]): string {
  return pods
    .map((p) => p.metadata.name)
    .sort()
    .join(', ');
}

const ENGINES = /^(calico-node|cilium|antrea-agent|kube-router|weave-net|canal)$/;

/** The DaemonSet of a NetworkPolicy-enforcing CNI, if one runs anywhere in the cluster. */
export async function enforcementEngine(kube: Kube): Promise<string | undefined> {
  const sets = await kube.list('apps/v1', 'DaemonSet');
  const hit = sets.find((d) => ENGINES.test(d.metadata.name));
  return hit ? `${hit.metadata.namespace}/${hit.metadata.name}` : undefined;
}

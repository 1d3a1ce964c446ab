// What every wait needs, and the condition helpers they share.
import type { Discovery } from '../discovery.js';
import { diagnosedTimeout, type EvidenceQuery } from '../evidence.js';
import type { Transport } from '../transport.js';
import type { KubeObject, WaitOptions } from '../types.js';
import type { Evaluation, Watcher } from '../watch.js';

export interface WaitDeps {
  transport: Transport;
  watcher: Watcher;
  discovery: Discovery;
  /** The kubeconfig context's namespace, for refs that name none. */
  defaultNamespace: string;
}

export interface ObservedCondition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export function conditionsOf(object: KubeObject | undefined): ObservedCondition[] {
  const status = object?.status as { conditions?: ObservedCondition[] } | undefined;
  return Array.isArray(status?.conditions) ? status.conditions : [];
}

export function findCondition(object: KubeObject | undefined, type: string) {
  return conditionsOf(object).find((c) => c.type === type);
}

/** "Ready=False (KafkaNotReady: 0/1 brokers)" — a condition as one readable clause. */
export function describeCondition(c: ObservedCondition): string {
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${c.type}=${c.status ?? 'Unknown'}${why ? ` (${why})` : ''}`;
}

export function byName(objects: KubeObject[], name: string): KubeObject | undefined {
  return objects.find((o) => o.metadata.name === name);
}

/** Watches one object by name: a field selector keeps the stream to that object's events. */
export function nameSelector(name: string): string {
  return `metadata.name=${name}`;
}

/** One named object awaited in a collection; a missed deadline is explained from the cluster. */
export interface NamedWait<T> {
  path: string;
  name: string;
  what: string;
  evaluate(object: KubeObject | undefined): Evaluation<T>;
  /** Where to look for the cause of a timeout, given the object as last seen (if it was). */
  evidence(object: KubeObject | undefined): EvidenceQuery;
}

export function untilNamed<T>(deps: WaitDeps, wait: NamedWait<T>, options: WaitOptions) {
  return deps.watcher.until({
    path: wait.path,
    fieldSelector: nameSelector(wait.name),
    what: wait.what,
    evaluate: (objects) => wait.evaluate(byName(objects, wait.name)),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onTimeout: (lastStatus, signal, seen) =>
      diagnosedTimeout(
        deps.transport,
        {
          what: wait.what,
          timeoutMs: options.timeoutMs,
          lastStatus,
          query: wait.evidence(byName(seen, wait.name)),
        },
        signal,
      ),
  });
}

// What every wait needs, and the condition helpers they share.
import type { Discovery } from '../discovery.js';
import type { Transport } from '../transport.js';
import type { KubeObject } from '../types.js';
import type { Watcher } from '../watch.js';

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

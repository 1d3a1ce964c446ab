// SIMULATOR — stands in for the operators whose controllers cannot run here (no container
// runtime): chiefly the Strimzi cluster operator (Kafka, KafkaNodePool, KafkaTopic, KafkaUser)
// and any other controller that reports readiness through status.conditions.
//
// What it reproduces: the status contract an operator publishes — a condition (default
// `Ready`) with status True/False/Unknown, reason, message and lastTransitionTime (kept when
// the status does not change), the condition's and status's observedGeneration set to the
// object's metadata.generation — written through the status subresource with optimistic
// concurrency, exactly where a real operator writes it. Fields the CRD's schema lacks are
// pruned by the API server as for a real operator (Strimzi conditions carry no
// observedGeneration; its status.observedGeneration is kept). `startOperatorSimulator` reacts to
// every new generation like a reconcile loop, with an optional delay; `setCondition` is the
// one-shot hook for tests that flip a condition themselves.
//
// What it does NOT reproduce: no pods, brokers, listeners, secrets or certificates are
// created; spec validation beyond the CRD schema does not happen (a spec Strimzi would reject
// becomes Ready unless the test's `decide` says otherwise); other status fields (listeners,
// clusterId, replicas) are only present if `decide` supplies them.
import { kubeClient, type KubeClient } from './kube-client.ts';
import { startWatchLoop } from './watch-loop.ts';

export interface ResourceKind {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  plural: string;
  /** Limit to one namespace (default: all namespaces). */
  namespace?: string;
}

export interface ResourceRef extends ResourceKind {
  name: string;
}

export interface ConditionSpec {
  type?: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  /** Extra status fields merged next to conditions (e.g. Strimzi's `listeners`). */
  extraStatus?: Record<string, unknown>;
}

function basePath(k: ResourceKind): string {
  const api = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return k.namespace ? `${api}/namespaces/${k.namespace}/${k.plural}` : `${api}/${k.plural}`;
}

function objectPath(k: ResourceKind, obj: any): string {
  return basePath({ ...k, namespace: obj.metadata.namespace }) + `/${obj.metadata.name}`;
}

/** The status to write for `obj`: its conditions with `cond` replacing the same type. */
function nextStatus(obj: any, cond: ConditionSpec): any {
  const type = cond.type ?? 'Ready';
  const generation = obj.metadata.generation ?? 1;
  const existing: any[] = obj.status?.conditions ?? [];
  const previous = existing.find((c) => c.type === type);
  const condition = {
    type,
    status: cond.status,
    reason: cond.reason ?? (cond.status === 'True' ? 'Ready' : 'NotReady'),
    message: cond.message ?? '',
    observedGeneration: generation,
    lastTransitionTime:
      previous?.status === cond.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  return {
    ...obj.status,
    ...cond.extraStatus,
    observedGeneration: generation,
    conditions: [...existing.filter((c) => c.type !== type), condition],
  };
}

async function writeStatus(
  client: KubeClient,
  kind: ResourceKind,
  obj: any,
  cond: ConditionSpec,
): Promise<any> {
  const res = await client.request('PUT', `${objectPath(kind, obj)}/status`, {
    ...obj,
    status: nextStatus(obj, cond),
  });
  if (res.status === 404) {
    throw new Error(
      `${objectPath(kind, obj)}/status: not found (object deleted, or its CRD has ` +
        'no status subresource, in which case a real operator could not write it there either)',
    );
  }
  if (res.status < 200 || res.status > 299) {
    throw Object.assign(
      new Error(
        `status update of ${objectPath(kind, obj)}: HTTP ${res.status}: ` + `${res.body?.message}`,
      ),
      { status: res.status },
    );
  }
  return res.body;
}

/** Sets one condition on an object via its status subresource; retries on write conflicts. */
export async function setCondition(
  kubeconfigPath: string,
  ref: ResourceRef,
  cond: ConditionSpec,
): Promise<any> {
  const client = kubeClient(kubeconfigPath);
  const kind = { ...ref };
  const path = `${basePath(ref)}/${ref.name}`;
  for (let attempt = 0; ; attempt++) {
    const obj = await client.json('GET', path);
    try {
      return await writeStatus(client, kind, obj, cond);
    } catch (err) {
      if ((err as { status?: number }).status !== 409 || attempt >= 5) throw err;
    }
  }
}

export interface OperatorSimulatorOptions {
  kubeconfigPath: string;
  kind: ResourceKind;
  /** Condition to publish for an object's current generation; undefined leaves it alone. */
  decide: (obj: any) => ConditionSpec | undefined;
  /** Reconcile delay per new generation (default 0). */
  delayMs?: number;
  log?: (msg: string) => void;
}

/** Watches a resource kind and publishes `decide(obj)` for every generation not yet observed. */
export async function startOperatorSimulator(
  opts: OperatorSimulatorOptions,
): Promise<{ stop(): Promise<void> }> {
  const client = kubeClient(opts.kubeconfigPath);
  const log = opts.log ?? ((m: string) => void process.stderr.write(`[operator-simulator] ${m}\n`));
  const reconcile = async (obj: any, deleted: boolean): Promise<void> => {
    if (deleted || obj.metadata.deletionTimestamp) return;
    const cond = opts.decide(obj);
    if (!cond) return;
    const prev = (obj.status?.conditions ?? []).find((c: any) => c.type === (cond.type ?? 'Ready'));
    // Strimzi's schema has no per-condition observedGeneration (the API server prunes it), so
    // the status-level one counts too.
    const seen = prev?.observedGeneration ?? obj.status?.observedGeneration;
    if (
      prev &&
      seen === obj.metadata.generation &&
      prev.status === cond.status &&
      (prev.reason ?? '') === (cond.reason ?? prev.reason ?? '')
    )
      return;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const fresh = await client.json('GET', objectPath(opts.kind, obj));
    await writeStatus(client, opts.kind, fresh, cond);
    log(
      `${opts.kind.plural} ${fresh.metadata.namespace ?? ''}/${fresh.metadata.name} ` +
        `generation ${fresh.metadata.generation}: ${cond.type ?? 'Ready'}=${cond.status}`,
    );
  };
  const loop = startWatchLoop(client, basePath(opts.kind), reconcile, log);
  await loop.synced;
  return { stop: () => loop.stop() };
}

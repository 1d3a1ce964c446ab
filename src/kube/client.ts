// The Kube contract implemented on @kubernetes/client-node: KubeConfig for credentials,
// Watch for event streams, and our transport for everything else (see transport.ts for why).
// Loaded only through createKube()'s dynamic import, so commands that never talk to a
// cluster do not pay for loading the client library.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { log, type Logger } from '../core/log.js';
import { applyObjects } from './apply.js';
import { Discovery, resourcePath } from './discovery.js';
import { contextNamespace, loadKubeconfig } from './kubeconfig.js';
import { listAll } from './list.js';
import { readPodLogs } from './logs.js';
import { describeRef } from './manifests.js';
import { canI, rolloutRestart, serverVersion } from './ops.js';
import type { KubeOptions } from './options.js';
import { startPortForward } from './portforward.js';
import { defaultRetryPolicy } from './retry.js';
import { Transport } from './transport.js';
import type { AccessCheck, Condition, Kube, KubeObject, ObjectRef, WaitOptions } from './types.js';
import type { WaitDeps } from './waits/common.js';
import { waitForCondition } from './waits/condition.js';
import { waitForCrdEstablished } from './waits/crd.js';
import { waitForDeleted } from './waits/deleted.js';
import { waitForJob } from './waits/job.js';
import { waitForLoadBalancer } from './waits/loadbalancer.js';
import { waitForNodesReady } from './waits/nodes.js';
import { waitForRollout } from './waits/rollout.js';
import { defaultWatchTuning, Watcher } from './watch.js';

const DEFAULT_DELETE_TIMEOUT_MS = 120_000;

export class KubeClient implements Kube {
  readonly context: string;
  readonly kubeconfigPath: string | undefined;
  readonly server: string;
  readonly kubeConfig: KubeConfig;
  private readonly transport: Transport;
  private readonly discovery: Discovery;
  private readonly deps: WaitDeps;
  private readonly logger: Logger;
  private readonly signal: AbortSignal | undefined;

  constructor(options: KubeOptions = {}) {
    const loaded = loadKubeconfig({
      kubeconfigPath: options.kubeconfigPath,
      context: options.context,
      env: options.env,
    });
    this.logger = (options.logger ?? log()).child('kube');
    this.context = loaded.context;
    this.kubeconfigPath = loaded.path;
    this.server = loaded.server;
    this.kubeConfig = loaded.kc;
    const file = loaded.path ?? '(in-cluster)';
    this.logger.debug(
      `kubeconfig ${file} (${loaded.source}), context ${loaded.context}, server ${loaded.server}`,
    );
    const retry = { ...defaultRetryPolicy, ...options.retry };
    this.signal = options.signal;
    this.transport = new Transport(loaded.kc, loaded.server, this.logger, retry, options.signal);
    this.discovery = new Discovery(this.transport);
    const tuning = {
      ...defaultWatchTuning,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? defaultWatchTuning.watchTimeoutSeconds,
    };
    this.deps = {
      transport: this.transport,
      discovery: this.discovery,
      watcher: new Watcher(
        this.transport,
        new Watch(loaded.kc),
        this.logger,
        tuning,
        options.signal,
      ),
      defaultNamespace: contextNamespace(loaded.kc),
    };
  }

  /** For the internals' tests (forcing a stale resourceVersion, direct API calls). */
  get internals(): WaitDeps {
    return this.deps;
  }

  apply(objects: KubeObject[], options: { dryRun?: boolean; force?: boolean } = {}) {
    return applyObjects(
      {
        transport: this.transport,
        discovery: this.discovery,
        defaultNamespace: this.deps.defaultNamespace,
        logger: this.logger,
        waitForCrd: (name, timeoutMs) => this.waitForCrdEstablished(name, { timeoutMs }),
      },
      objects,
      options,
    );
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const info = await this.discovery.require(ref.apiVersion, ref.kind);
    const ns = info.namespaced ? (ref.namespace ?? this.deps.defaultNamespace) : undefined;
    const path = resourcePath(info, ns, ref.name);
    return this.transport.getOrUndefined<KubeObject>(path, `read ${describeRef(ref)}`);
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string) {
    const info = await this.discovery.require(apiVersion, kind);
    const path = resourcePath(info, info.namespaced ? namespace : undefined);
    const what = `${kind} (${apiVersion})`;
    return (await listAll(this.transport, path, what, { labelSelector })).items;
  }

  async delete(
    ref: ObjectRef,
    options: { wait?: boolean; timeoutMs?: number } = {},
  ): Promise<boolean> {
    // A kind the server no longer serves (its CRD is gone) has no objects left to delete:
    // teardown stays idempotent when it runs again after a partial `down`.
    const info = await this.discovery.find(ref.apiVersion, ref.kind);
    if (!info) {
      this.logger.debug(`delete ${describeRef(ref)}: ${ref.apiVersion} ${ref.kind} is not served`);
      return false;
    }
    const ns = info.namespaced ? (ref.namespace ?? this.deps.defaultNamespace) : undefined;
    const full = { ...ref, namespace: ns };
    const res = await this.transport.request({
      method: 'DELETE',
      path: resourcePath(info, ns, ref.name),
      // Background: dependents (a Deployment's pods) are collected after the owner is gone.
      query: { propagationPolicy: 'Background' },
      what: `delete ${describeRef(full)}`,
      accept: [404],
    });
    if (res.status === 404) return false;
    if (options.wait) {
      await waitForDeleted(this.deps, resourcePath(info, ns), ref.name, describeRef(full), {
        timeoutMs: options.timeoutMs ?? DEFAULT_DELETE_TIMEOUT_MS,
      });
    }
    return true;
  }

  waitForCondition(ref: ObjectRef, condition: Condition, options: WaitOptions) {
    return waitForCondition(this.deps, ref, condition, options);
  }
  waitForCrdEstablished(name: string, options: WaitOptions) {
    return waitForCrdEstablished(this.deps, name, options);
  }
  waitForRollout(namespace: string, deployment: string, options: WaitOptions) {
    return waitForRollout(this.deps, namespace, deployment, options);
  }
  waitForJob(namespace: string, name: string, options: WaitOptions) {
    return waitForJob(this.deps, namespace, name, options);
  }
  waitForNodesReady(count: number, options: WaitOptions) {
    return waitForNodesReady(this.deps, count, options);
  }
  waitForLoadBalancer(namespace: string, service: string, options: WaitOptions) {
    return waitForLoadBalancer(this.deps, namespace, service, options);
  }

  rolloutRestart(namespace: string, deployment: string) {
    return rolloutRestart(this.transport, namespace, deployment);
  }
  podLogs(namespace: string, podName: string, container?: string) {
    return readPodLogs(this.transport, namespace, podName, { container });
  }
  portForward(namespace: string, pod: string, port: number) {
    const deps = {
      kc: this.kubeConfig,
      transport: this.transport,
      logger: this.logger,
      signal: this.signal,
    };
    return startPortForward(deps, namespace, pod, port);
  }
  canI(check: AccessCheck) {
    return canI(this.transport, check);
  }
  serverVersion() {
    return serverVersion(this.transport);
  }
  close() {
    return this.transport.close();
  }
}

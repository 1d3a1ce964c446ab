// The contract between phases and the Kubernetes layer. Phases depend on this interface only;
// src/kube/ implements it with @kubernetes/client-node (imported lazily), and tests run it
// against the real local control plane in test/cluster/.

/** A Kubernetes object as plain data (what YAML parses to). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ApplyResult {
  ref: ObjectRef;
  /** created: did not exist; configured: changed; unchanged: apply was a no-op. */
  action: 'created' | 'configured' | 'unchanged';
  /** Fields that differ from what the server had (paths only, never values). */
  changedPaths?: string[];
  /** Why a dry-run could not validate this object server-side (its CRD or Namespace is new). */
  note?: string;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with a one-line status each time what is observed changes ("1/2 replicas ready"). */
  onProgress?: (status: string) => void;
}

export interface Condition {
  type: string;
  status?: 'True' | 'False' | 'Unknown';
}

export interface Kube {
  /** The context in use, for messages and for helm's --kube-context. */
  readonly context: string | undefined;
  readonly kubeconfigPath: string | undefined;

  /**
   * Server-side apply (field manager todo-infra, strict field validation), CRDs and
   * Namespaces first. `dryRun` asks the server to validate and diff without persisting.
   */
  apply(
    objects: KubeObject[],
    options?: { dryRun?: boolean; force?: boolean },
  ): Promise<ApplyResult[]>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<KubeObject[]>;
  /** Deletes; resolves false when it did not exist. */
  delete(ref: ObjectRef, options?: { wait?: boolean; timeoutMs?: number }): Promise<boolean>;

  waitForCondition(ref: ObjectRef, condition: Condition, options: WaitOptions): Promise<KubeObject>;
  waitForCrdEstablished(name: string, options: WaitOptions): Promise<void>;
  waitForRollout(namespace: string, deployment: string, options: WaitOptions): Promise<void>;
  waitForJob(namespace: string, name: string, options: WaitOptions): Promise<void>;
  waitForNodesReady(count: number, options: WaitOptions): Promise<void>;
  /** Resolves to the IP or host name the load balancer was given. */
  waitForLoadBalancer(namespace: string, service: string, options: WaitOptions): Promise<string>;

  /** `kubectl rollout restart`: stamps the pod template so pods are recreated. */
  rolloutRestart(namespace: string, deployment: string): Promise<void>;
  /** Logs of a pod (or the first pod of a Job), for failure messages. */
  podLogs(namespace: string, podName: string, container?: string): Promise<string>;
  /** Can the current identity (or an impersonated one) do this? */
  canI(check: AccessCheck): Promise<boolean>;

  /**
   * Optional — an implementation may not offer it, and callers must then say what they could
   * not check: forwards 127.0.0.1:<localPort> to `port` inside the pod (kubectl port-forward).
   * Used to reach a Dapr sidecar's HTTP API, which listens on the pod's loopback only.
   */
  portForward?(namespace: string, pod: string, port: number): Promise<PortForward>;

  /** The API server's version (gitVersion, e.g. "v1.36.3"); also a reachability check. */
  serverVersion(): Promise<string>;
  /** Closes pooled connections so the process can exit; the instance is unusable afterwards. */
  close(): Promise<void>;
}

export interface AccessCheck {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  subresource?: string;
  /** Impersonate this user (e.g. system:serviceaccount:todo-app:github-actions). */
  asUser?: string;
}

export interface PortForward {
  localPort: number;
  close(): Promise<void>;
}

// Options for creating the Kubernetes client; kept apart from the implementation so that
// importing them never loads @kubernetes/client-node.
import type { Logger } from '../core/log.js';
import type { RetryPolicy } from './retry.js';

export interface KubeOptions {
  /** --kubeconfig: a file that must exist. Else KUBECONFIG, ~/.kube/config, in-cluster. */
  kubeconfigPath?: string | undefined;
  /** --context: else the kubeconfig's current-context. */
  context?: string | undefined;
  /** API calls are logged at debug level (-vv). Defaults to the process logger. */
  logger?: Logger | undefined;
  /** Environment to read KUBECONFIG/HOME from (tests); defaults to process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Retry policy for transient API failures. */
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * Server-side timeout of each watch connection, in seconds. Waits resume across these ends;
   * tests shorten it to exercise that.
   */
  watchTimeoutSeconds?: number | undefined;
  /**
   * The run's signal (Ctrl-C). Once it aborts, every pending request, retry pause, watch,
   * wait and port-forward ends at once with a TodoInfraError coded INTERRUPTED (exit 130).
   */
  signal?: AbortSignal | undefined;
}

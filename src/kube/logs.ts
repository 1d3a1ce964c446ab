// Pod logs, for failure messages: the tail of the container that failed, so a Job's error
// says what the program printed before it exited, not just "BackoffLimitExceeded".
import type { Transport } from './transport.js';
import type { KubeObject } from './types.js';

type Obj = Record<string, any>;

/** The container worth reading: the named one, else one that failed, else the first. */
export function pickContainer(pod: KubeObject, wanted?: string): string | undefined {
  if (wanted) return wanted;
  const spec = (pod.spec ?? {}) as Obj;
  const statuses: Obj[] = [
    ...((pod.status as Obj | undefined)?.initContainerStatuses ?? []),
    ...((pod.status as Obj | undefined)?.containerStatuses ?? []),
  ];
  const failed = statuses.find(
    (s) =>
      (s.state?.terminated && s.state.terminated.exitCode !== 0) ||
      s.state?.waiting?.reason === 'CrashLoopBackOff',
  );
  return failed?.name ?? spec.containers?.[0]?.name;
}

export interface LogOptions {
  container?: string | undefined;
  tailLines?: number;
  /** The previous (crashed) instance's logs, as `kubectl logs --previous`. */
  previous?: boolean;
  /** Attempts for transient failures (fewer when the logs only decorate an error). */
  attempts?: number;
}

export async function readPodLogs(
  transport: Transport,
  namespace: string,
  podName: string,
  options: LogOptions = {},
): Promise<string> {
  const ns = encodeURIComponent(namespace);
  const base = `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(podName)}`;
  const what = `read pod ${namespace}/${podName}`;
  const pod = await transport.json<KubeObject>({ method: 'GET', path: base, what });
  const container = pickContainer(pod, options.container);
  return transport.json<string>({
    method: 'GET',
    path: `${base}/log`,
    query: {
      container,
      tailLines: options.tailLines ?? 200,
      // A runaway log line must not fill memory or the terminal.
      limitBytes: 256 * 1024,
      previous: options.previous || undefined,
    },
    text: true,
    attempts: options.attempts,
    what: `read logs of pod ${namespace}/${podName}${container ? ` (container ${container})` : ''}`,
  });
}

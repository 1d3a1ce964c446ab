// HTTP checks of the public entry point, retried until a deadline: a fresh OCI load balancer
// needs a while before its listener forwards traffic, and a new Ingress a moment before NGINX
// has reloaded, so one failed request proves nothing — only the deadline passing does.
import { TodoInfraError, timeoutError } from '../../core/errors.js';

export interface HttpCheck {
  url: string;
  /** Accept this response (default: any HTTP response at all). */
  accept?: (status: number) => boolean;
  /** Words for messages, e.g. "the frontend at /". */
  what: string;
}

export interface HttpCheckOptions {
  deadline: Date;
  signal?: AbortSignal;
  /** Pause between attempts (default 2 s). */
  intervalMs?: number;
  /** Per-request timeout (default 5 s). */
  requestTimeoutMs?: number;
  phase?: string;
  onAttempt?: (outcome: string) => void;
}

/** Resolves with the accepted status; throws a timeout error with the last outcome. */
export async function httpCheckUntil(check: HttpCheck, opts: HttpCheckOptions): Promise<number> {
  const accept = check.accept ?? (() => true);
  const interval = opts.intervalMs ?? 2000;
  let last = 'no attempt made';
  for (;;) {
    if (opts.signal?.aborted) {
      throw new TodoInfraError('INTERRUPTED', `interrupted while checking ${check.what}`, {
        phase: opts.phase,
        source: 'user',
      });
    }
    last = await attempt(check.url, opts);
    opts.onAttempt?.(last);
    const status = /^HTTP (\d+)/.exec(last)?.[1];
    if (status && accept(Number(status))) return Number(status);
    if (Date.now() + interval > opts.deadline.getTime()) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw timeoutError(
    'HTTP_CHECK_TIMEOUT',
    `${check.what} did not answer as expected by ` +
      `${opts.deadline.toISOString()} (${check.url}; last: ${last})`,
    {
      phase: opts.phase,
      hint:
        'Check the load balancer and the pods behind it (kubectl get pods,ingress -A); if the ' +
        'address is only reachable another way, set apps.publicUrl.',
    },
  );
}

async function attempt(url: string, opts: HttpCheckOptions): Promise<string> {
  const timeout = AbortSignal.timeout(opts.requestTimeoutMs ?? 5000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { signal, redirect: 'manual' });
    await res.body?.cancel();
    return `HTTP ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return cause ?? (err instanceof Error ? err.name : String(err));
  }
}

/**
 * The base URL for checks: apps.publicUrl when given; else the host name (https when TLS is
 * on), which must resolve to the LB; else the LB address itself.
 */
export function publicBaseUrl(
  publicUrl: string | undefined,
  address: string,
  host?: string,
  tls?: boolean,
): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  if (host) return `${tls ? 'https' : 'http'}://${host}`;
  return `http://${address.includes(':') ? `[${address}]` : address}`;
}

// Which Kubernetes API failures are worth retrying, and how long to wait in between.
//
// The API server sheds load with 429 (priority and fairness) and answers 5xx while it or an
// aggregated API restarts; a load balancer in front of it (OKE's public endpoint) resets
// connections now and then. Those heal on their own, so we retry them a bounded number of
// times with exponential backoff and full jitter (many clients backing off in lockstep is what
// keeps an overloaded server overloaded). Everything else — 4xx validation, auth, not found —
// will fail the same way again, so it fails at once.

/** Network-level error codes (Node and undici) that mean "the connection broke", not "no". */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export interface RetryPolicy {
  /** Total attempts including the first; 1 disables retrying. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

/** The error code of a network failure, looking through `cause` chains (undici wraps them). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('E'))) {
      return code;
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (1 = the first retry): full jitter over an exponentially
 * growing window, never above maxDelayMs. A server-sent Retry-After wins over our own guess
 * but is still capped, so a misbehaving proxy cannot park us for an hour.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Keep a floor of half the window: pure full jitter can pick ~0 and hammer the server.
  return Math.round(window / 2 + random() * (window / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

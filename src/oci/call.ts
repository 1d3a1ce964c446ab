// Every OCI API call goes through ociCall(): one place that retries what is worth retrying
// (429 TooManyRequests, 5xx, connection failures) with bounded exponential backoff, and turns
// what is not into a coded error that says what to do. The SDK's own retrier and circuit
// breaker are switched off in clients.ts so there is exactly one retry policy, with waits we
// choose (the SDK's default can sit for minutes on a 500) and messages we write.
import { format } from 'node:util';
import { TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export interface RetryPolicy {
  /** Total attempts, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 };

export interface CallContext {
  log: Logger;
  retry: RetryPolicy;
  /** For messages: which profile's credentials were used. */
  profile: string;
  configFile: string;
  signal?: AbortSignal;
}

/** The fields of the SDK's OciError we rely on (duck-typed: no SDK import needed here). */
interface ServiceError {
  statusCode: number;
  serviceCode?: string;
  message: string;
  opcRequestId?: string | null;
}

function asServiceError(value: unknown): ServiceError | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<ServiceError>;
  return typeof v.statusCode === 'number' && v.statusCode > 0 ? (v as ServiceError) : undefined;
}

function retryable(err: unknown): boolean {
  const svc = asServiceError(err);
  if (!svc) return !(err instanceof TodoInfraError); // network failure, timeout
  return svc.statusCode === 429 || svc.statusCode >= 500;
}

export async function ociCall<T>(ctx: CallContext, what: string, fn: () => Promise<T>): Promise<T> {
  const release = captureSdkWarnings(ctx.log);
  try {
    return await attemptAll(ctx, what, fn);
  } finally {
    release();
  }
}

async function attemptAll<T>(ctx: CallContext, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    ctx.log.debug(`OCI ${what}${attempt > 1 ? ` (attempt ${attempt}/${ctx.retry.attempts})` : ''}`);
    try {
      return await fn();
    } catch (err) {
      if (!retryable(err) || attempt >= ctx.retry.attempts || ctx.signal?.aborted) {
        throw mapError(ctx, what, err, attempt);
      }
      const delay = Math.min(ctx.retry.maxDelayMs, ctx.retry.baseDelayMs * 2 ** (attempt - 1));
      ctx.log.verbose(`OCI ${what}: ${describe(err)}; retrying in ${delay} ms`);
      await sleep(delay, ctx.signal);
    }
  }
}

function describe(err: unknown): string {
  const svc = asServiceError(err);
  if (svc) return `${svc.statusCode} ${svc.serviceCode ?? ''}`.trim();
  // Network failures arrive as fetch's "fetch failed" with the reason in a cause chain (and
  // the SDK sometimes wraps them in a plain object): show the innermost reason.
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const e = cur as { message?: unknown; code?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    const text = [code, message].filter(Boolean).join(' ');
    if (text && !parts.includes(text)) parts.push(text);
    cur = e.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}

export function mapError(
  ctx: CallContext,
  what: string,
  err: unknown,
  attempts = 1,
): TodoInfraError {
  if (err instanceof TodoInfraError) return err;
  const svc = asServiceError(err);
  const details = svc?.opcRequestId ? [`opc-request-id: ${svc.opcRequestId}`] : [];
  if (!svc) {
    return new TodoInfraError('OCI_UNREACHABLE', `OCI ${what} failed: ${describe(err)}`, {
      hint: 'Check the network connection and oci.region (or oci.endpoint) and try again.',
      source: 'environment',
      cause: err,
    });
  }
  const base = `OCI ${what} failed: ${svc.statusCode} ${svc.serviceCode ?? ''} ${svc.message}`;
  const opts = { cause: err, details };
  switch (true) {
    case svc.statusCode === 401:
      return new TodoInfraError('OCI_NOT_AUTHENTICATED', `credentials rejected by OCI (${what})`, {
        ...opts,
        source: 'user',
        hint:
          `Check the fingerprint, key_file and user in profile [${ctx.profile}] of ` +
          `${ctx.configFile}: the key must be uploaded as an API key of that user, and the ` +
          'machine clock must be right (signatures expire after 5 minutes).',
      });
    case svc.statusCode === 404:
      return new TodoInfraError('OCI_NOT_FOUND', `${base} (not found, or not authorized)`, {
        ...opts,
        source: 'user',
        hint:
          'OCI answers 404 both when the resource does not exist and when your user may not ' +
          'see it: check the OCID, the region, and the IAM policies of your group.',
      });
    case svc.statusCode === 409:
      return new TodoInfraError('OCI_CONFLICT', base, { ...opts, source: 'tool' });
    case svc.statusCode === 429:
      return new TodoInfraError('OCI_THROTTLED', `${base} (throttled ${attempts} times)`, {
        ...opts,
        source: 'environment',
        hint: 'OCI is rate-limiting this tenancy; wait a minute and re-run.',
      });
    case svc.statusCode >= 500:
      return new TodoInfraError('OCI_SERVICE_ERROR', `${base} (after ${attempts} tries)`, {
        ...opts,
        source: 'environment',
        hint: 'The OCI service failed; check https://ocistatus.oraclecloud.com and re-run.',
      });
    default:
      return new TodoInfraError('OCI_REQUEST_REJECTED', base, {
        ...opts,
        source: 'user',
        hint: 'Check the values named in the message (OCIDs, names) in todo-infra.yaml.',
      });
  }
}

// The SDK's retrier reports every failed call with console.warn ("Request cannot be retried",
// "All retry attempts have exhausted"), even ones we handle (a 409 that means "exists", a 429
// we retry). While OCI calls run, those lines go to the debug log instead of the terminal;
// anything else written with console.warn passes through untouched.
const SDK_LINE = /retried|retry attempts|Retrying/;
let captures = 0;
let original: typeof console.warn | undefined;

function captureSdkWarnings(log: Logger): () => void {
  if (captures === 0) {
    original = console.warn;
    const passThrough = original;
    console.warn = (...args: unknown[]) => {
      const text = format(...args);
      if (SDK_LINE.test(text)) log.debug(`oci-sdk: ${text}`);
      else passThrough(...args);
    };
  }
  captures += 1;
  return () => {
    captures -= 1;
    if (captures === 0 && original) {
      console.warn = original;
      original = undefined;
    }
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

// Every non-watch API call goes through here: auth from the kubeconfig (client-node's
// KubeConfig, including exec plugins such as OKE's token generator), one debug line per call,
// retries for transient failures, and coded errors that quote the API server.
//
// Why not the generated typed clients: they serialise bodies through models that drop fields
// they do not know, which would silently defeat fieldValidation=Strict, and they cannot send
// the fieldValidation parameter for arbitrary kinds. Raw JSON keeps the server the judge.
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type KubeConfig,
} from '@kubernetes/client-node';
import { TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { eitherSignal, interruptedError, isInterrupted } from './abort.js';
import { apiError, isPermanentFailure } from './errors.js';
import {
  backoffDelay,
  defaultRetryPolicy,
  isTransientNetworkError,
  isTransientStatus,
  networkErrorCode,
  parseRetryAfter,
  sleep,
  type RetryPolicy,
} from './retry.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiRequest {
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The operation in words, for error messages: "apply Deployment todo-app/backend". */
  what: string;
  /** Read the response as text (pod logs) instead of JSON. */
  text?: boolean;
  /** The request concerns a Secret: scrub values from error messages. */
  sensitive?: boolean;
  /** Statuses the caller handles (e.g. 404 on get): returned instead of thrown. */
  accept?: number[];
  /** Overrides the policy's attempts (a best-effort read for a message needs fewer). */
  attempts?: number;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

export class Transport {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private dispatcher: Dispatcher;

  constructor(
    readonly kc: KubeConfig,
    readonly server: string,
    private readonly logger: Logger,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    /** The run's signal: aborting it ends every call, wherever it is, as INTERRUPTED. */
    readonly runSignal?: AbortSignal,
  ) {
    // An aborted fetch still leaves its socket to the pool, and one caught mid-handshake
    // (an API server that accepts but never answers) would hold the process open until the
    // connect timeout. Nothing may be sent after the interruption, so tear the pool down.
    runSignal?.addEventListener('abort', () => void this.discardPool(), { once: true });
  }

  async request<T>(req: ApiRequest): Promise<ApiResponse<T>> {
    if (this.runSignal?.aborted) throw interruptedError(req.what);
    const signal = eitherSignal(this.runSignal, req.signal);
    try {
      return await this.attempt<T>({ ...req, signal });
    } catch (error) {
      // Whatever broke once the run was interrupted (an aborted fetch, a cut-short pause),
      // the cause is the interruption.
      if (this.runSignal?.aborted && !isInterrupted(error)) throw interruptedError(req.what, error);
      throw error;
    }
  }

  /** `req.signal` here is the caller's signal combined with the run's. */
  private async attempt<T>(req: ApiRequest): Promise<ApiResponse<T>> {
    const attempts = req.attempts ?? this.policy.attempts;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let status: number;
      let body: unknown;
      let retryAfter: string | undefined;
      try {
        const ctx = await this.context(req);
        const res = await this.http.send(ctx).toPromise();
        status = res.httpStatusCode;
        retryAfter = res.headers['retry-after'];
        const text = await res.body.text();
        body = req.text && status < 300 ? text : parseJson(text);
      } catch (error) {
        if (error instanceof TodoInfraError) throw error;
        if (req.signal?.aborted) throw req.signal.reason;
        const code = networkErrorCode(error) ?? 'unknown';
        this.logger.debug(`${req.method} ${req.path} → ${code} (${Date.now() - started} ms)`);
        if (isTransientNetworkError(error) && attempt < attempts) {
          await this.pause(attempt, attempts, undefined, code, req);
          continue;
        }
        throw this.unreachable(req, error, code);
      }
      this.logger.debug(`${req.method} ${req.path} → ${status} (${Date.now() - started} ms)`);
      if (status < 300 || req.accept?.includes(status)) return { status, body: body as T };
      const transient = isTransientStatus(status) && !isPermanentFailure(body);
      if (transient && attempt < attempts) {
        await this.pause(attempt, attempts, parseRetryAfter(retryAfter), `HTTP ${status}`, req);
        continue;
      }
      throw apiError(req.what, status, body, req.sensitive);
    }
  }

  /** GET returning the parsed body, or undefined on 404. */
  async getOrUndefined<T>(path: string, what: string, query?: Query): Promise<T | undefined> {
    const res = await this.request<T>({ method: 'GET', path, query, what, accept: [404] });
    return res.status === 404 ? undefined : res.body;
  }

  async json<T>(req: ApiRequest): Promise<T> {
    return (await this.request<T>(req)).body;
  }

  /** Releases pooled connections so the process can exit promptly. */
  async close(): Promise<void> {
    const d = this.dispatcher as { close?: () => Promise<void> } | undefined;
    this.dispatcher = undefined;
    await d?.close?.();
  }

  /** Closes every pooled connection now, in-flight or not. */
  private async discardPool(): Promise<void> {
    const d = this.dispatcher as { destroy?: () => Promise<void> } | undefined;
    this.dispatcher = undefined;
    await d?.destroy?.().catch(() => undefined);
  }

  private async context(req: ApiRequest): Promise<RequestContext> {
    const ctx = new RequestContext(this.server + req.path, HttpMethod[req.method]);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) ctx.setQueryParam(key, String(value));
    }
    ctx.setHeaderParam('Accept', req.text ? 'text/plain, */*' : 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    if (req.signal) ctx.setSignal(req.signal);
    try {
      // Re-applied per call: exec-plugin tokens (OKE) expire and are refreshed here.
      await this.kc.applySecurityAuthentication(ctx);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TodoInfraError(
        'KUBE_AUTH_FAILED',
        `Preparing credentials and TLS for ${this.server} from the kubeconfig failed: ${reason}`,
        {
          source: 'environment',
          cause: error,
          hint:
            'Check the kubeconfig user and cluster entries (for OKE the user runs an exec ' +
            'plugin: is the `oci` CLI installed and configured?).',
        },
      );
    }
    // client-node builds a fresh connection pool per call; keep the first so connections
    // (and TLS handshakes) are reused across the hundreds of calls an `up` makes.
    this.dispatcher ??= ctx.getDispatcher();
    if (this.dispatcher) ctx.setDispatcher(this.dispatcher);
    return ctx;
  }

  private async pause(
    attempt: number,
    attempts: number,
    retryAfterMs: number | undefined,
    why: string,
    req: ApiRequest,
  ): Promise<void> {
    const delay = backoffDelay(attempt, this.policy, retryAfterMs);
    const next = `attempt ${attempt + 1}/${attempts}`;
    this.logger.debug(`retrying ${req.method} ${req.path} in ${delay} ms after ${why} (${next})`);
    await sleep(delay, req.signal);
  }

  private unreachable(req: ApiRequest, error: unknown, code: string): TodoInfraError {
    const detail = describeCauses(error);
    const why = detail ? `${code}: ${detail}` : code;
    if (/certificate|self.signed|TLS|SSL/i.test(why)) {
      return new TodoInfraError(
        'KUBE_TLS',
        `${req.what} failed: the TLS connection to ${this.server} was refused (${why})`,
        {
          source: 'environment',
          cause: error,
          hint:
            "The server's certificate does not match the kubeconfig's certificate-authority " +
            'data or server address; regenerate the kubeconfig for this cluster.',
        },
      );
    }
    return new TodoInfraError(
      'KUBE_UNREACHABLE',
      `${req.what} failed: cannot reach the API server ${this.server} (${why})`,
      {
        source: 'environment',
        cause: error,
        hint:
          'Check that the cluster is running and that this machine can reach its API endpoint ' +
          '(for OKE: the endpoint is public and your IP is allowed), then retry.',
      },
    );
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The messages along an error's cause chain ("fetch failed: connect ECONNREFUSED ..."). */
function describeCauses(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message && current.message !== 'fetch failed') parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ');
}

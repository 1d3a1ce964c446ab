// Turning what the API server said into a coded error that still carries its own words.
// The API's Status.message is precise ("spec.replicas: Invalid value: -1: must be greater than
// or equal to 0"); paraphrasing it would lose the field name the user needs, so we quote it and
// add only what it cannot know: which object we were working on and what to do next.
import { ExitCode, TodoInfraError, type ErrorSource } from '../core/errors.js';

/** The parts of a metav1.Status we use. */
export interface ApiStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

/** A failed API call: a TodoInfraError that also keeps the HTTP status and Status.reason. */
export class KubeApiError extends TodoInfraError {
  readonly status: number;
  readonly reason: string | undefined;

  constructor(
    code: string,
    message: string,
    status: number,
    reason: string | undefined,
    options: { hint?: string; source?: ErrorSource; details?: string[]; cause?: unknown },
  ) {
    super(code, message, { ...options, exitCode: ExitCode.failure });
    this.status = status;
    this.reason = reason;
  }
}

export function isKubeApiError(value: unknown, status?: number): value is KubeApiError {
  return value instanceof KubeApiError && (status === undefined || value.status === status);
}

export function asStatus(body: unknown): ApiStatus | undefined {
  if (body && typeof body === 'object' && (body as ApiStatus).kind === 'Status') {
    return body as ApiStatus;
  }
  return undefined;
}

interface Classified {
  code: string;
  source: ErrorSource;
  hint: string;
}

/**
 * Failures that repeat identically however often they are retried, even when the server
 * labels them 500: a server-side apply body that does not fit the schema is reported as
 * "failed to create typed patch object ... field not declared in schema" with code 500.
 */
const SCHEMA_MISMATCH = new RegExp(
  [
    'field not declared in schema',
    'failed to create typed patch object',
    'strict decoding error',
    'unknown field',
  ].join('|'),
);

export function isPermanentFailure(body: unknown): boolean {
  const message = asStatus(body)?.message;
  return message !== undefined && SCHEMA_MISMATCH.test(message);
}

function classify(status: number, reason: string | undefined, message: string): Classified {
  if (SCHEMA_MISMATCH.test(message)) {
    const field =
      /(\.[^\s:]+): field not declared in schema/.exec(message)?.[1] ??
      /unknown field "([^"]+)"/.exec(message)?.[1];
    return {
      code: 'KUBE_INVALID',
      source: 'user',
      hint: field
        ? `Remove or correct ${field}: the API server's schema for this kind has no such field ` +
          '(misspelt, wrongly indented, or from another apiVersion).'
        : "Fix the manifest to match the API server's schema for this kind.",
    };
  }
  if (status === 401) {
    return {
      code: 'KUBE_UNAUTHORIZED',
      source: 'environment',
      hint:
        'The API server did not accept the kubeconfig credentials. Regenerate the kubeconfig ' +
        '(for OKE: the kubeconfig phase, or `oci ce cluster create-kubeconfig`) and retry.',
    };
  }
  const quota = /exceeded quota|failed quota|must specify (requests|limits)/;
  if (status === 403 && quota.test(message)) {
    return {
      code: 'KUBE_QUOTA',
      source: 'user',
      hint:
        'A ResourceQuota in the namespace refused it: give every container resource requests ' +
        'and limits (or add a LimitRange with defaults), or raise the quota.',
    };
  }
  if (status === 403 && !/ cannot \S+ resource /.test(message)) {
    // Forbidden by admission (PodSecurity, a webhook, NamespaceLifecycle), not by RBAC.
    return {
      code: 'KUBE_ADMISSION_DENIED',
      source: 'user',
      hint: 'An admission policy refused the object; change it as the message asks.',
    };
  }
  if (status === 403) {
    return {
      code: 'KUBE_FORBIDDEN',
      source: 'environment',
      hint: 'The identity in the kubeconfig lacks this permission; use a cluster-admin context.',
    };
  }
  if (status === 404) {
    return { code: 'KUBE_NOT_FOUND', source: 'user', hint: 'Check the name and namespace.' };
  }
  if (status === 409) {
    return {
      code: 'KUBE_CONFLICT',
      source: 'user',
      hint:
        'Another field manager owns some of these fields (someone changed them with kubectl ' +
        'or another tool). Review the conflict; re-run with --force-conflicts to take them over.',
    };
  }
  if (status === 422 || status === 400 || reason === 'Invalid' || reason === 'BadRequest') {
    return {
      code: 'KUBE_INVALID',
      source: 'user',
      hint: 'Fix the field named in the message; the API server validates against its schema.',
    };
  }
  if (status === 429 || status >= 500) {
    return {
      code: status === 429 ? 'KUBE_THROTTLED' : 'KUBE_SERVER_ERROR',
      source: 'environment',
      hint: 'The API server kept failing after several retries; check its health and retry.',
    };
  }
  return { code: 'KUBE_API_ERROR', source: 'tool', hint: 'Re-run with -vv for the API calls.' };
}

/**
 * Secrets' validation messages can echo a value ("Invalid value: \"...\""); the Status
 * message of a request about a Secret is scrubbed before it reaches any output.
 */
export function scrubSecretValues(message: string): string {
  return message.replace(/Invalid value: "(?:[^"\\]|\\.)*"/g, 'Invalid value: [redacted]');
}

/** `what` names the operation, e.g. "apply Deployment todo-app/backend". */
export function apiError(
  what: string,
  status: number,
  body: unknown,
  sensitive = false,
): KubeApiError {
  const st = asStatus(body);
  const text = typeof body === 'string' ? body.trim() : '';
  const raw = st?.message ?? (text || `HTTP ${status}`);
  const message = sensitive ? scrubSecretValues(raw) : raw;
  const { code, source, hint } = classify(status, st?.reason, message);
  const details = (st?.details?.causes ?? [])
    .filter((c) => c.message && !message.includes(c.message))
    .map((c) => (c.field ? `${c.field}: ${c.message}` : String(c.message)))
    .map((line) => (sensitive ? scrubSecretValues(line) : line));
  return new KubeApiError(code, `${what} failed: ${message}`, status, st?.reason, {
    hint,
    source,
    details,
  });
}

// The one place todo-infra runs helm. Phases (ingress, strimzi, dapr) call these functions and
// never build helm argv themselves, so helm 3/4 differences and error classification live here.
//
// Exported API (all functions run the real helm binary through runTool; nothing is simulated):
//
//   helmBinary(): string
//       `HELM_BIN` when set, else `helm` (resolved on PATH by the OS).
//   helmVersion(opts?: HelmCommon): Promise<{ version: string; major: number }>
//       For preflight: e.g. { version: 'v4.3.2', major: 4 }. Errors HELM_UNSUPPORTED below v3.
//   helmUpgradeInstall(opts: HelmInstallOptions): Promise<HelmInstallResult>
//       Idempotent `upgrade --install`. Before upgrading it reads the deployed release
//       (`get metadata` + `get values`); when the chart version and the user values are equal
//       and the release is `deployed`, it does nothing and returns changed: false — a plain
//       re-run would only add a revision. Values go to a temp file (mode 0600, removed after).
//       `wait` is off by default: callers wait with the Kubernetes layer's watches instead,
//       which report *why* a rollout is stuck. A release left pending by an interrupted run
//       is recovered (pending-install: uninstalled; pending-upgrade: rolled back) with a warning.
//   helmStatus(opts: HelmReleaseRef): Promise<HelmRelease | undefined>
//       The deployed release's name, namespace, revision, status, chart and chart version;
//       undefined when there is no such release.
//   helmGetValues(opts: HelmReleaseRef): Promise<Record<string, unknown>>
//       The user-supplied values of the current revision.
//   helmUninstall(opts: HelmReleaseRef & { timeoutMs? }): Promise<boolean>
//       false when the release did not exist.
//   helmTemplate(opts: HelmTemplateOptions): Promise<string>
//       Renders the chart offline (no cluster access) for dry runs and `render`.
//
// helm 3 vs 4: `--atomic` became `--rollback-on-failure` in v4 (rollbackOnFailure picks the
// right one); v4's `--wait` takes a strategy but bare `--wait` means "watcher" there and "wait"
// in v3, so the bare flag is used. Both accept --kube-context, --kubeconfig, -n, --version,
// --repo, `get metadata -o json` (v3.13+) and `get values -o json`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChartSource } from '../config/sections/common.js';
import { TodoInfraError, ExitCode } from '../core/errors.js';
import { log as rootLog, type Logger } from '../core/log.js';
import { runTool, type ToolFailure } from '../core/proc.js';

export interface HelmCommon {
  kubeconfig?: string;
  context?: string;
  logger?: Logger;
  signal?: AbortSignal;
  phase?: string;
  /** Per helm command; defaults to 5 minutes (helm's own --timeout default). */
  timeoutMs?: number;
}

export interface HelmReleaseRef extends HelmCommon {
  release: string;
  namespace: string;
}

export interface HelmInstallOptions extends HelmReleaseRef {
  chart: ChartSource;
  values: Record<string, unknown>;
  createNamespace?: boolean;
  /** Let helm wait for readiness (prefer the Kubernetes layer's watch-based waits). */
  wait?: boolean;
  rollbackOnFailure?: boolean;
}

export interface HelmTemplateOptions extends HelmCommon {
  release: string;
  namespace: string;
  chart: ChartSource;
  values: Record<string, unknown>;
  includeCrds?: boolean;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  chartVersion: string;
}

export interface HelmInstallResult {
  revision: number;
  status: string;
  changed: boolean;
}

const DEFAULT_TIMEOUT_MS = 300_000;

export function helmBinary(): string {
  const fromEnv = process.env.HELM_BIN;
  return fromEnv && fromEnv.length > 0 ? fromEnv : 'helm';
}

export async function helmVersion(
  opts: HelmCommon = {},
): Promise<{ version: string; major: number }> {
  const out = await helm(['version', '--template', '{{.Version}}'], opts);
  const version = out.trim();
  const m = /^v(\d+)\./.exec(version);
  const major = m ? Number(m[1]) : 0;
  if (major < 3) {
    throw new TodoInfraError('HELM_UNSUPPORTED', `helm ${version || '(unknown)'} is too old`, {
      phase: opts.phase,
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint: 'Install helm 3.13 or newer (helm 4 is supported), or point HELM_BIN at it.',
    });
  }
  return { version, major };
}

export async function helmStatus(opts: HelmReleaseRef): Promise<HelmRelease | undefined> {
  let out: string;
  try {
    out = await helm(['get', 'metadata', opts.release, ...scope(opts), '-o', 'json'], opts);
  } catch (err) {
    if (err instanceof TodoInfraError && err.code === 'HELM_RELEASE_NOT_FOUND') return undefined;
    throw err;
  }
  const meta = parseJson(out, 'helm get metadata') as Record<string, unknown>;
  return {
    name: String(meta.name ?? opts.release),
    namespace: String(meta.namespace ?? opts.namespace),
    revision: Number(meta.revision ?? 0),
    status: String(meta.status ?? 'unknown'),
    chart: String(meta.chart ?? ''),
    chartVersion: String(meta.version ?? ''),
  };
}

export async function helmGetValues(opts: HelmReleaseRef): Promise<Record<string, unknown>> {
  const out = await helm(['get', 'values', opts.release, ...scope(opts), '-o', 'json'], opts);
  const parsed = parseJson(out, 'helm get values');
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

export async function helmUpgradeInstall(opts: HelmInstallOptions): Promise<HelmInstallResult> {
  const logger = opts.logger ?? rootLog();
  let current = await helmStatus(opts);
  // A recovery changes the release (uninstall or rollback) even when no upgrade follows it.
  const recovered = Boolean(current?.status.startsWith('pending-'));
  if (current && recovered) {
    current = await recoverPending(opts, current, logger);
  }
  const wanted = expectedChartVersion(opts.chart);
  if (current && current.status === 'deployed' && current.chartVersion === wanted) {
    const deployedValues = await helmGetValues(opts);
    if (canonical(deployedValues) === canonical(opts.values)) {
      logger.verbose(`${opts.release}: chart ${wanted} and values unchanged, skipping upgrade`);
      return { revision: current.revision, status: current.status, changed: recovered };
    }
  }
  const major = (await helmVersion(opts)).major;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await withValuesFile(opts.values, async (file) => {
    const args = ['upgrade', '--install', opts.release, ...chartArgs(opts.chart), ...scope(opts)];
    args.push('-f', file, '--timeout', `${Math.ceil(timeoutMs / 1000)}s`);
    if (opts.createNamespace) args.push('--create-namespace');
    if (opts.wait) args.push('--wait');
    if (opts.rollbackOnFailure) args.push(major >= 4 ? '--rollback-on-failure' : '--atomic');
    // helm's own --timeout bounds waits; the process deadline adds slack for chart download.
    await helm(args, { ...opts, timeoutMs: timeoutMs + 60_000 });
  });
  const after = await helmStatus(opts);
  if (!after) {
    const what = `release ${opts.release} is not in namespace ${opts.namespace}`;
    throw new TodoInfraError('HELM_RELEASE_MISSING', `helm reported success but ${what}`, {
      phase: opts.phase,
      hint: `Inspect with \`helm list -n ${opts.namespace} -a\` and re-run.`,
    });
  }
  return { revision: after.revision, status: after.status, changed: true };
}

export async function helmUninstall(opts: HelmReleaseRef): Promise<boolean> {
  try {
    await helm(['uninstall', opts.release, ...scope(opts), '--wait'], opts);
    return true;
  } catch (err) {
    if (err instanceof TodoInfraError && err.code === 'HELM_RELEASE_NOT_FOUND') return false;
    throw err;
  }
}

export async function helmTemplate(opts: HelmTemplateOptions): Promise<string> {
  return withValuesFile(opts.values, async (file) => {
    const args = ['template', opts.release, ...chartArgs(opts.chart), '-n', opts.namespace];
    args.push('-f', file);
    if (opts.includeCrds) args.push('--include-crds');
    return helm(args, { ...opts, kubeconfig: undefined, context: undefined });
  });
}

// ---- internals ----

async function recoverPending(
  opts: HelmInstallOptions,
  current: HelmRelease,
  logger: Logger,
): Promise<HelmRelease | undefined> {
  // A pending status means an earlier helm process died mid-operation (todo-infra holds the
  // state lock, so it is not one of ours still running). helm refuses to touch such a release.
  if (current.status === 'pending-install' || current.revision <= 1) {
    logger.warn(`${opts.release} was left ${current.status} by an interrupted run; reinstalling`);
    await helmUninstall(opts);
    return undefined;
  }
  logger.warn(`${opts.release} was left ${current.status}; rolling back to the previous revision`);
  await helm(['rollback', opts.release, String(current.revision - 1), ...scope(opts)], opts);
  return helmStatus(opts);
}

/** The chart version a deployed release must report for the install to count as unchanged. */
function expectedChartVersion(chart: ChartSource): string {
  if (isLocalChart(chart.ref)) {
    const file = join(chart.ref, 'Chart.yaml');
    if (existsSync(file)) {
      const m = /^version:\s*["']?([^"'\s#]+)/m.exec(readFileSync(file, 'utf8'));
      if (m?.[1]) return m[1];
    }
  }
  return chart.version;
}

function isLocalChart(ref: string): boolean {
  if (ref.startsWith('oci://')) return false;
  return ref.startsWith('/') || ref.startsWith('.') || ref.endsWith('.tgz') || existsSync(ref);
}

function chartArgs(chart: ChartSource): string[] {
  // helm ignores --version for a local chart; the directory's Chart.yaml is what gets installed.
  if (isLocalChart(chart.ref) && !chart.repo) return [chart.ref];
  const args = [chart.ref, '--version', chart.version];
  if (chart.repo) args.push('--repo', chart.repo);
  return args;
}

function scope(opts: HelmReleaseRef): string[] {
  return ['-n', opts.namespace];
}

function clusterArgs(opts: HelmCommon): string[] {
  const args: string[] = [];
  if (opts.kubeconfig) args.push('--kubeconfig', opts.kubeconfig);
  if (opts.context) args.push('--kube-context', opts.context);
  return args;
}

async function helm(args: string[], opts: HelmCommon): Promise<string> {
  const result = await runTool(helmBinary(), [...args, ...clusterArgs(opts)], {
    logger: opts.logger,
    signal: opts.signal,
    phase: opts.phase,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    errorCode: 'HELM_FAILED',
    hint: 'See the helm output above; re-run with -vv for the full log.',
    classify: (failure) => classify(failure, opts),
  });
  return result.stdout;
}

function classify(failure: ToolFailure, opts: HelmCommon): TodoInfraError | undefined {
  const out = failure.output;
  const base = { phase: opts.phase, details: failure.tail };
  if (/release: not found|release not found/i.test(out)) {
    return new TodoInfraError('HELM_RELEASE_NOT_FOUND', 'helm release not found', base);
  }
  if (/another operation \(install\/upgrade\/rollback\) is in progress/.test(out)) {
    return new TodoInfraError('HELM_RELEASE_BUSY', 'another helm operation is in progress', {
      ...base,
      source: 'environment',
      hint: 'Wait for the other helm command to finish (helm list -a shows it), then re-run.',
    });
  }
  const fetchFailed = new RegExp(
    [
      'failed to (do request|fetch|download)',
      'not found in .* repository',
      'not a valid chart repository or cannot be reached',
      'failed to perform "Fetch',
      'unexpected status',
    ].join('|'),
    'i',
  );
  if (fetchFailed.test(out)) {
    return new TodoInfraError('HELM_CHART_UNAVAILABLE', 'helm could not fetch the chart', {
      ...base,
      source: 'environment',
      hint:
        'Check the chart ref and version under charts: in the config; without access to the ' +
        'registry, `helm pull` the chart elsewhere and set its ref to the local .tgz or directory.',
    });
  }
  const missingPath = /path "([^"]+)" not found/.exec(out);
  if (missingPath) {
    const what = `chart directory ${missingPath[1]} not found`;
    return new TodoInfraError('HELM_CHART_NOT_FOUND', what, {
      ...base,
      source: 'user',
      exitCode: ExitCode.usage,
      hint: 'Fix the chart ref under charts: in the config (a local path must exist).',
    });
  }
  if (/Kubernetes cluster unreachable|connection refused|no such host.*:6443/i.test(out)) {
    return new TodoInfraError('HELM_CLUSTER_UNREACHABLE', 'helm cannot reach the cluster', {
      ...base,
      source: 'environment',
      hint: 'Check kube.kubeconfig / kube.context (`todo-infra check` tests the connection).',
    });
  }
  return undefined;
}

async function withValuesFile<T>(
  values: Record<string, unknown>,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-helm-'));
  const file = join(dir, 'values.json');
  try {
    // JSON is YAML; values may hold references to secrets, so the file is owner-only.
    writeFileSync(file, JSON.stringify(values), { mode: 0o600 });
    return await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.trim() === '' ? 'null' : text);
  } catch (cause) {
    throw new TodoInfraError('HELM_BAD_OUTPUT', `${what} printed output that is not JSON`, {
      cause,
      hint: 'Check that HELM_BIN points at helm 3.13+ or helm 4.',
    });
  }
}

/** Key-order-independent JSON, so values compare equal however they were built. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

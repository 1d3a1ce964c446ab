// The one waiting primitive every wait is built on: list, then watch from the list's
// resourceVersion, re-evaluating a predicate on each event — no polling, so a change is seen
// the moment the API server commits it.
//
// Watches end all the time and the wait must not notice: the server closes them after
// timeoutSeconds (resume from the last resourceVersion seen, kept fresh by bookmarks); the
// resourceVersion can expire (410 Gone, after etcd compaction) and the connection can drop
// (both: list again, then watch from the new resourceVersion). Restarts that keep failing
// back off exponentially instead of spinning. The deadline, the caller's AbortSignal and the
// run's (Ctrl-C) end the wait wherever it is.
import type { Watch } from '@kubernetes/client-node';
import { ExitCode, TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { apiError, asStatus } from './errors.js';
import { backoffDelay, isTransientStatus, sleep, type RetryPolicy } from './retry.js';
import type { Transport } from './transport.js';
import type { KubeObject } from './types.js';
import { listAll } from './list.js';

export type Evaluation<T> = { done: true; value: T } | { done: false; status: string };

export interface WatchUntil<T> {
  /** Collection path, e.g. /apis/apps/v1/namespaces/todo-app/deployments. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** What is awaited, for messages: "Deployment todo-app/backend to roll out". */
  what: string;
  /** Judges the current set of watched objects; called after the list and after each event. */
  evaluate(objects: KubeObject[]): Evaluation<T>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((status: string) => void) | undefined;
  /**
   * Builds the error for a missed deadline from the last status and the objects last seen;
   * `signal` bounds the time spent gathering evidence.
   */
  onTimeout(lastStatus: string, signal: AbortSignal, seen: KubeObject[]): Promise<TodoInfraError>;
  /** Start watching here instead of listing first (tests pass a stale one to force a 410). */
  resourceVersion?: string;
}

export interface WatchTuning {
  /** Server-side watch timeout; below client-node's 30 s inactivity timer so the server ends it. */
  watchTimeoutSeconds: number;
  /** Backoff between restarts that follow each other without progress. */
  restart: RetryPolicy;
}

export const defaultWatchTuning: WatchTuning = {
  watchTimeoutSeconds: 20,
  restart: { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 5000 },
};

type SessionEnd<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: unknown }
  | { kind: 'closed'; events: number }
  | { kind: 'expired' }
  | { kind: 'error'; error: unknown; status?: number }
  | { kind: 'aborted' };

const DIAGNOSIS_BUDGET_MS = 10_000;
/** Transport errors that mean "not now" rather than "no": a wait rides them out. */
const UNAVAILABLE = new Set(['KUBE_UNREACHABLE', 'KUBE_SERVER_ERROR', 'KUBE_THROTTLED']);

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export class Watcher {
  constructor(
    private readonly transport: Transport,
    private readonly watch: Watch,
    private readonly logger: Logger,
    private readonly tuning: WatchTuning = defaultWatchTuning,
    /** The run's signal: ends every wait, like the wait's own signal does. */
    private readonly runSignal?: AbortSignal,
  ) {}

  async until<T>(spec: WatchUntil<T>): Promise<T> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort('timeout'), spec.timeoutMs);
    const onAbort = () => stop.abort('aborted');
    const signals = [spec.signal, this.runSignal].filter((s) => s !== undefined);
    for (const s of signals) {
      if (s.aborted) onAbort();
      s.addEventListener('abort', onAbort, { once: true });
    }
    const run = { last: 'nothing observed yet', seen: [] as KubeObject[] };
    try {
      return await this.loop(spec, stop.signal, run);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
      if (stop.signal.reason === 'timeout') {
        this.logger.debug(`deadline reached waiting for ${spec.what}; last status: ${run.last}`);
        throw await spec.onTimeout(run.last, AbortSignal.timeout(DIAGNOSIS_BUDGET_MS), run.seen);
      }
      // The same code as any other interruption: the engine records the phase as
      // interrupted (exit 130), not failed.
      const message = `Stopped waiting for ${spec.what}: interrupted`;
      throw new TodoInfraError('INTERRUPTED', message, {
        source: 'user',
        exitCode: ExitCode.interrupted,
        details: [`last observed: ${run.last}`],
      });
    } finally {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
    }
  }

  private async loop<T>(
    spec: WatchUntil<T>,
    signal: AbortSignal,
    run: { last: string; seen: KubeObject[] },
  ): Promise<T> {
    const state = new Map<string, KubeObject>();
    let rv = spec.resourceVersion;
    let needList = rv === undefined;
    let failures = 0;
    const judge = (): Evaluation<T> => {
      run.seen = [...state.values()];
      const result = spec.evaluate(run.seen);
      if (!result.done && result.status !== run.last) {
        run.last = result.status;
        spec.onProgress?.(result.status);
      }
      return result;
    };
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (needList) {
        const list = await this.relist(spec, signal).catch((error: unknown) => {
          // The API server restarting (an OKE control-plane update) is what the deadline is
          // for: keep trying until it, and say so if it passes.
          if (!(error instanceof TodoInfraError) || !UNAVAILABLE.has(error.code)) throw error;
          run.last = `the API server is not answering (${error.message})`;
          this.logger.debug(`re-listing ${spec.path} failed; retrying until the deadline`);
          return undefined;
        });
        if (!list) {
          failures += 1;
          await sleep(backoffDelay(failures, this.tuning.restart), signal);
          continue;
        }
        state.clear();
        for (const item of list.items) state.set(keyOf(item), item);
        rv = list.resourceVersion;
        needList = false;
        const result = judge();
        if (result.done) return result.value;
      }
      const started = Date.now();
      const end = await this.session(spec, rv, signal, state, judge, (v) => (rv = v));
      if (end.kind === 'done') return end.value;
      if (end.kind === 'failed') throw end.error;
      if (end.kind === 'aborted') throw signal.reason;
      if (end.kind === 'closed') {
        const quick = Date.now() - started < 500 && end.events === 0;
        failures = quick ? failures + 1 : 0;
        this.logger.debug(`watch on ${spec.path} ended by the server; resuming from ${rv}`);
      } else if (end.kind === 'expired') {
        failures += 1;
        needList = true;
        this.logger.debug(`watch on ${spec.path}: resourceVersion ${rv} expired (410); re-listing`);
      } else if (end.kind === 'error') {
        if (end.status !== undefined && !isTransientStatus(end.status)) {
          throw apiError(`watch ${spec.what}`, end.status, end.error);
        }
        failures += 1;
        needList = true;
        const why = end.error instanceof Error ? end.error.message : JSON.stringify(end.error);
        this.logger.debug(`watch on ${spec.path} failed (${why}); re-listing`);
      }
      if (failures > 0) await sleep(backoffDelay(failures, this.tuning.restart), signal);
    }
  }

  private relist<T>(spec: WatchUntil<T>, signal: AbortSignal) {
    const selectors = { fieldSelector: spec.fieldSelector, labelSelector: spec.labelSelector };
    return listAll(this.transport, spec.path, spec.what, selectors, signal);
  }

  /** One watch connection, until it ends, the predicate holds, or `signal` aborts. */
  private session<T>(
    spec: WatchUntil<T>,
    rv: string | undefined,
    signal: AbortSignal,
    state: Map<string, KubeObject>,
    judge: () => Evaluation<T>,
    setRv: (rv: string) => void,
  ): Promise<SessionEnd<T>> {
    return new Promise((resolve) => {
      let settled = false;
      let connection: AbortController | undefined;
      let events = 0;
      let errorStatus: { code?: number } | undefined;
      const finish = (end: SessionEnd<T>) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        connection?.abort();
        resolve(end);
      };
      const onAbort = () => finish({ kind: 'aborted' });
      signal.addEventListener('abort', onAbort, { once: true });
      const onEvent = (type: string, object: KubeObject) => {
        if (settled) return;
        if (type === 'ERROR') {
          errorStatus = asStatus(object) ?? { code: undefined };
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (typeof version === 'string') setRv(version);
        if (type === 'BOOKMARK') return;
        events += 1;
        if (type === 'DELETED') state.delete(keyOf(object));
        else state.set(keyOf(object), object);
        try {
          const result = judge();
          if (result.done) finish({ kind: 'done', value: result.value });
        } catch (error) {
          finish({ kind: 'failed', error });
        }
      };
      const onDone = (error: unknown) => {
        if (errorStatus?.code === 410) finish({ kind: 'expired' });
        else if (errorStatus) {
          finish({ kind: 'error', error: errorStatus, status: errorStatus.code });
        } else if (error) {
          const status = (error as { statusCode?: number }).statusCode;
          finish(status === 410 ? { kind: 'expired' } : { kind: 'error', error, status });
        } else finish({ kind: 'closed', events });
      };
      this.logger.debug(`watching ${spec.path} from resourceVersion ${rv}`);
      const params = {
        resourceVersion: rv,
        allowWatchBookmarks: true,
        timeoutSeconds: this.tuning.watchTimeoutSeconds,
        fieldSelector: spec.fieldSelector,
        labelSelector: spec.labelSelector,
      };
      this.watch.watch(spec.path, params, onEvent, onDone).then(
        (controller) => {
          connection = controller;
          if (settled) controller.abort();
          else this.logger.debug(`watch on ${spec.path} connected`);
        },
        (error: unknown) => finish({ kind: 'error', error }),
      );
    });
  }
}

// List-then-watch loop shared by the simulators: lists a collection, hands every object to a
// reconcile function, then watches from the list's resourceVersion. An expired watch (410
// Gone), an ERROR event, a closed stream or a dropped connection all lead to a fresh list, as
// an informer would do, so no change is missed while the simulator runs.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './kube-client.ts';

export interface WatchLoop {
  /** Resolves after the first list was reconciled. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

export function startWatchLoop(
  client: KubeClient,
  collectionPath: string,
  reconcile: (obj: any, deleted: boolean) => Promise<void>,
  log: (msg: string) => void,
): WatchLoop {
  const abort = new AbortController();
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => {
    markSynced = r;
  });
  const safeReconcile = async (obj: any, deleted: boolean): Promise<void> => {
    try {
      await reconcile(obj, deleted);
    } catch (err) {
      if (!abort.signal.aborted) log(`reconcile ${obj?.metadata?.name}: ${String(err)}`);
    }
  };
  // Events for one object are reconciled in order, never concurrently (as a workqueue would).
  const queues = new Map<string, Promise<void>>();
  const enqueue = (obj: any, deleted: boolean): void => {
    const k = `${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name ?? ''}`;
    const nextRun = (queues.get(k) ?? Promise.resolve()).then(() => safeReconcile(obj, deleted));
    queues.set(k, nextRun);
    void nextRun.then(() => {
      if (queues.get(k) === nextRun) queues.delete(k);
    });
  };
  const sep = collectionPath.includes('?') ? '&' : '?';

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const list = await client.json('GET', collectionPath);
        for (const item of list.items ?? []) await safeReconcile(item, false);
        markSynced();
        let rv: string = list.metadata.resourceVersion;
        let expired = false;
        await client.watch(
          `${collectionPath}${sep}watch=1&allowWatchBookmarks=true` + `&resourceVersion=${rv}`,
          (e) => {
            if (e.type === 'ERROR') {
              expired = true; // typically 410 Gone: the resourceVersion is too old
              return;
            }
            rv = e.object?.metadata?.resourceVersion ?? rv;
            if (e.type !== 'BOOKMARK') enqueue(e.object, e.type === 'DELETED');
          },
          abort.signal,
        );
        if (expired) log(`watch on ${collectionPath} expired; re-listing`);
      } catch (err) {
        if (abort.signal.aborted) break;
        log(`watch on ${collectionPath} failed (${String(err)}); re-listing in 1s`);
        await sleep(1000);
      }
    }
  };
  const done = run();
  return {
    synced,
    stop: async () => {
      abort.abort();
      await done;
      await Promise.all(queues.values());
    },
  };
}

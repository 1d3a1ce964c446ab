// startControlPlane(): a real, local Kubernetes control plane for tests and manual runs.
//
// etcd + kube-apiserver + kube-controller-manager + kube-scheduler, built from source by
// test/tools/build.ts, plus kwok playing the kubelets of fake OKE A1 worker nodes, on loopback
// and random ports in a temp data dir. The upstream Strimzi/Dapr CRDs are installed and
// Established before it returns. stop() ends every process and removes the data dir.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureTools } from '../tools/build.ts';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  KUBERNETES_SERVICE_IP,
  kwokArgs,
  probe,
  schedulerArgs,
  type Layout,
} from './components.ts';
import { installCrds, sharedCrdsDir } from './crds.ts';
import {
  clusterRoot,
  createDataDir,
  finalizeDataDir,
  isMarkedFailed,
  markFailed,
  reapOrphans,
  writeOwner,
} from './datadir.ts';
import { kubeClient } from './kube-client.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { kwokConfigYaml } from './kwok-config.ts';
import { createFakeNodes, DEFAULT_NODE_SHAPE, nodeIsReady, type NodeShape } from './nodes.ts';
import { createPki } from './pki.ts';
import { reservePorts, type PortReservation } from './ports.ts';
import { onEmergency, startComponent, stopComponents, type Component } from './procs.ts';
import { waitFor } from './wait.ts';

export interface ControlPlaneOptions {
  /** Number of fake A1 worker nodes (default 1). */
  nodes?: number;
  nodeShape?: Partial<NodeShape>;
  /** Install the upstream CRDs (default true); a string is a directory to take them from. */
  crds?: boolean | string;
  /** Per-step start-up timeout (default 120 s; a cold 2-core machine needs tens of seconds). */
  timeoutMs?: number;
  /** Progress lines (default: stderr). */
  log?: (msg: string) => void;
}

export interface ControlPlane {
  kubeconfigPath: string;
  server: string;
  dataDir: string;
  logsDir: string;
  /** gitVersion reported by the API server, e.g. "v1.36.3". */
  version: string;
  nodeNames: string[];
  crdNames: string[];
  /** Component name -> pid (each is also its process group id). */
  pids: Record<string, number>;
  /**
   * Stops every process and deletes the data dir. Logs are kept (moved next to the data
   * dirs, path returned) when `keepLogs` is set, the run was marked failed (markFailed), or
   * TODO_INFRA_KEEP_CLUSTER_LOGS=1.
   */
  stop(opts?: { keepLogs?: boolean }): Promise<{ logsKeptAt?: string }>;
}

const defaultLog = (msg: string): void => void process.stderr.write(`[cluster] ${msg}\n`);

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? defaultLog;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const t0 = Date.now();
  const since = (): string => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  reapOrphans(log);
  const bins = await ensureTools(['etcd', 'kubernetes', 'kwok']);
  const crdDir =
    opts.crds === false ? undefined : typeof opts.crds === 'string' ? opts.crds : sharedCrdsDir();

  const dataDir = createDataDir();
  const logsDir = join(dataDir, 'logs');
  mkdirSync(logsDir);
  const components: Component[] = [];
  const owner = {
    ownerPid: process.pid,
    components: {} as Record<string, { pid: number; bin: string }>,
  };
  writeOwner(dataDir, owner);
  let reservation: PortReservation | undefined;
  const dropEmergency = onEmergency(() => {
    reservation?.release();
    const kept = finalizeDataDir(dataDir, true);
    if (kept) process.stderr.write(`[cluster] interrupted; component logs kept in ${kept}\n`);
  });
  let stopped = false;
  const stop: ControlPlane['stop'] = async (stopOpts = {}) => {
    if (stopped) return {};
    stopped = true;
    // Reverse start order: clients first, etcd last, so nothing logs a lost backend.
    const [etcdC, apiC, ...rest] = components;
    await stopComponents(rest);
    if (apiC) await stopComponents([apiC]);
    if (etcdC) await stopComponents([etcdC]);
    reservation?.release();
    dropEmergency();
    const keep =
      stopOpts.keepLogs === true ||
      isMarkedFailed(dataDir) ||
      process.env.TODO_INFRA_KEEP_CLUSTER_LOGS === '1';
    const logsKeptAt = finalizeDataDir(dataDir, keep);
    if (logsKeptAt) log(`component logs kept in ${logsKeptAt}`);
    return { logsKeptAt };
  };
  const launch = (
    name: string,
    bin: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
  ): Component => {
    const c = startComponent(name, bin, args, logsDir, env);
    components.push(c);
    // A component dying mid-suite turns later failures into puzzles: say so, keep the logs.
    void c.exited.then((why) => {
      if (stopped) return;
      log(`${name} exited unexpectedly (${why}); see ${c.logFile}`);
      markFailed(dataDir);
    });
    owner.components[name] = { pid: c.pid, bin };
    writeOwner(dataDir, owner);
    return c;
  };

  try {
    reservation = await reservePorts(6, clusterRoot());
    const [etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok] = reservation.ports;
    const ports = {
      etcd: etcd!,
      etcdPeer: etcdPeer!,
      apiserver: apiserver!,
      controllerManager: controllerManager!,
      scheduler: scheduler!,
      kwok: kwok!,
    };
    const pki = createPki(dataDir, KUBERNETES_SERVICE_IP);
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const layout: Layout = {
      dataDir,
      etcdName: basename(dataDir),
      pki,
      ports,
      adminKubeconfig: join(dataDir, 'kubeconfig'),
      controllerManagerKubeconfig: join(dataDir, 'controller-manager.kubeconfig'),
      schedulerKubeconfig: join(dataDir, 'scheduler.kubeconfig'),
      kwokConfig: join(dataDir, 'kwok.yaml'),
    };
    writeKubeconfig(layout.adminKubeconfig, server, pki.caCert, pki.admin, 'todo-infra-admin');
    writeKubeconfig(
      layout.controllerManagerKubeconfig,
      server,
      pki.caCert,
      pki.controllerManager,
      'system:kube-controller-manager',
    );
    writeKubeconfig(
      layout.schedulerKubeconfig,
      server,
      pki.caCert,
      pki.scheduler,
      'system:kube-scheduler',
    );
    writeFileSync(layout.kwokConfig, kwokConfigYaml());
    const hint = (c: Component): string => `see ${c.logFile}`;
    const ready = async (c: Component, what: string, fn: () => Promise<unknown>): Promise<void> => {
      await waitFor(what, async () => ((await fn()) ? true : undefined), {
        timeoutMs,
        hint: hint(c),
        abort: c.exited,
      });
      log(`${c.name} ready (${since()})`);
    };

    const etcdProc = launch('etcd', bins.etcd!, etcdArgs(layout));
    // /health cannot tell etcds apart; the member list names ours.
    await ready(
      etcdProc,
      'etcd /health and member name',
      async () =>
        JSON.parse(await probe({ scheme: 'http', port: ports.etcd, path: '/health' })).health ===
          'true' &&
        JSON.parse(
          await probe({
            scheme: 'http',
            port: ports.etcd,
            path: '/v3/cluster/member/list',
            body: '{}',
          }),
        ).members?.[0]?.name === layout.etcdName,
    );

    const apiProc = launch('kube-apiserver', bins['kube-apiserver']!, apiserverArgs(layout));
    const client = kubeClient(layout.adminKubeconfig);
    await ready(
      apiProc,
      'kube-apiserver /readyz',
      async () => (await client.request('GET', '/readyz')).status === 200,
    );

    // kwok must not read the invoking user's ~/.kwok/kwok.yaml, so it gets its own HOME.
    const kwokHome = join(dataDir, 'kwok-home');
    mkdirSync(kwokHome);
    const others = [
      launch(
        'kube-controller-manager',
        bins['kube-controller-manager']!,
        controllerManagerArgs(layout),
      ),
      launch('kube-scheduler', bins['kube-scheduler']!, schedulerArgs(layout)),
      launch('kwok', bins.kwok!, kwokArgs(layout), { ...process.env, HOME: kwokHome }),
    ];
    const targets = [
      {
        scheme: 'https' as const,
        port: ports.controllerManager,
        path: '/healthz',
        certFile: join(dataDir, 'controller-manager', 'kube-controller-manager.crt'),
      },
      {
        scheme: 'https' as const,
        port: ports.scheduler,
        path: '/healthz',
        certFile: join(dataDir, 'scheduler', 'kube-scheduler.crt'),
      },
      { scheme: 'https' as const, port: ports.kwok, path: '/healthz', caFile: pki.caCert },
    ];
    await Promise.all(
      others.map((c, i) => ready(c, `${c.name} /healthz`, () => probe(targets[i]!))),
    );

    const version = String((await client.json('GET', '/version')).gitVersion);
    const shape = { ...DEFAULT_NODE_SHAPE, ...opts.nodeShape };
    const nodeNames = await createFakeNodes(client, opts.nodes ?? 1, shape, version);
    const crdNames = crdDir ? await installCrds(client, crdDir, timeoutMs) : [];
    if (crdDir) log(`${crdNames.length} CRDs Established (${since()})`);
    await waitFor(
      `fake nodes ${nodeNames.join(', ')} to be Ready`,
      async () => {
        const items = (await client.json('GET', '/api/v1/nodes')).items as any[];
        return nodeNames.every((n) => nodeIsReady(items.find((i) => i.metadata.name === n)))
          ? true
          : undefined;
      },
      { timeoutMs, hint: `see ${join(logsDir, 'kwok.log')}` },
    );
    // Pods are rejected until the service-account controller created `default` in the namespace.
    await waitFor(
      'default ServiceAccount in namespace default',
      async () =>
        (await client.request('GET', '/api/v1/namespaces/default/serviceaccounts/default'))
          .status === 200
          ? true
          : undefined,
      { timeoutMs, hint: `see ${join(logsDir, 'kube-controller-manager.log')}` },
    );
    log(
      `control plane ${version} up with ${nodeNames.length} node(s) in ${since()}: ` +
        `${layout.adminKubeconfig}`,
    );
    return {
      kubeconfigPath: layout.adminKubeconfig,
      server,
      dataDir,
      logsDir,
      version,
      nodeNames,
      crdNames,
      pids: Object.fromEntries(components.map((c) => [c.name, c.pid])),
      stop,
    };
  } catch (err) {
    const { logsKeptAt } = await stop({ keepLogs: true });
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(
      `local control plane failed to start: ${msg}` +
        (logsKeptAt ? ` (component logs: ${logsKeptAt})` : ''),
      { cause: err },
    );
  }
}

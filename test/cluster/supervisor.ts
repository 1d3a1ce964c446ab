// The background owner of a hand-started control plane (`cluster:up` spawns it detached).
//
// It runs startControlPlane() and the load-balancer simulator, records them in the state
// file, and stays alive as the parent of every component so that one SIGTERM (sent by
// `cluster:down`) stops them in order and removes their data. If it dies uncleanly, the next
// start reaps the orphans (datadir.ts) and `cluster:down` kills them from the state file.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { copyFileSync } from 'node:fs';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { startLbSimulator, type LbSimulator } from './lb-simulator.ts';
import { handleSignalsWith } from './procs.ts';
import { clearState, stableKubeconfigPath, writeState, type ClusterState } from './state.ts';

const stamp = (): string => new Date().toISOString();
const log = (msg: string): void => void process.stderr.write(`${stamp()} ${msg}\n`);

export async function runSupervisor(args: string[]): Promise<void> {
  const nodesArg = args.find((a) => a.startsWith('--nodes='));
  const nodes = nodesArg ? Number(nodesArg.slice('--nodes='.length)) : 1;
  const base: ClusterState = { status: 'starting', supervisorPid: process.pid, startedAt: stamp() };
  writeState(base);
  let cp: ControlPlane | undefined;
  let lb: LbSimulator | undefined;
  let stopping = false;
  const shutdown = async (why: string, code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      log(`stopping (${why})`);
      await lb?.stop().catch((err: unknown) => log(`lb-simulator stop: ${String(err)}`));
      await cp?.stop({ keepLogs: code !== 0 });
      if (code === 0) clearState();
      log('stopped');
    }
    process.exit(code);
  };
  handleSignalsWith((sig) => void shutdown(`received ${sig}`, 0));

  try {
    cp = await startControlPlane({ nodes, log });
    copyFileSync(cp.kubeconfigPath, stableKubeconfigPath());
    if (!args.includes('--no-lb-simulator')) {
      lb = await startLbSimulator({
        kubeconfigPath: cp.kubeconfigPath,
        log: (m) => log(`[lb-simulator] ${m}`),
      });
    }
    writeState({
      ...base,
      status: 'ready',
      kubeconfigPath: stableKubeconfigPath(),
      server: cp.server,
      version: cp.version,
      dataDir: cp.dataDir,
      logsDir: cp.logsDir,
      pids: { supervisor: process.pid, ...cp.pids },
    });
    log('ready');
    // Component death means the cluster is no longer what the state file promises.
    const watchdog = setInterval(() => {
      for (const [name, pid] of Object.entries(cp?.pids ?? {})) {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(watchdog);
          writeState({ ...base, status: 'failed', error: `${name} (pid ${pid}) exited` });
          void shutdown(`${name} exited unexpectedly`, 1);
        }
      }
    }, 2000);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    log(`start failed: ${msg}`);
    writeState({ ...base, status: 'failed', error: msg });
    await shutdown('start failed', 1);
  }
}

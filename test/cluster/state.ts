// The state file of the hand-started control plane (`npm run cluster:up`): which supervisor
// owns it, where its data and kubeconfig are. Fixed location so `cluster:down` finds it from
// any shell: $TODO_INFRA_CLUSTER_STATE_DIR or ~/.cache/todo-infra/cluster/.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClusterState {
  status: 'starting' | 'ready' | 'failed';
  supervisorPid: number;
  startedAt: string;
  kubeconfigPath?: string;
  server?: string;
  version?: string;
  dataDir?: string;
  logsDir?: string;
  pids?: Record<string, number>;
  error?: string;
}

export function stateDir(): string {
  const dir =
    process.env.TODO_INFRA_CLUSTER_STATE_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'todo-infra', 'cluster');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const statePath = (): string => join(stateDir(), 'state.json');
/** Stable copy of the admin kubeconfig, so the printed path survives restarts. */
export const stableKubeconfigPath = (): string => join(stateDir(), 'kubeconfig');
export const supervisorLogPath = (): string => join(stateDir(), 'supervisor.log');

export function readState(): ClusterState | undefined {
  if (!existsSync(statePath())) return undefined;
  try {
    return JSON.parse(readFileSync(statePath(), 'utf8')) as ClusterState;
  } catch {
    return undefined; // half-written by a crashed writer: treat as absent
  }
}

export function writeState(state: ClusterState): void {
  const tmp = `${statePath()}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, statePath()); // atomic: readers never see a partial file
}

export function clearState(): void {
  rmSync(statePath(), { force: true });
  rmSync(stableKubeconfigPath(), { force: true });
}

export function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

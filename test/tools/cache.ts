// Where the test tooling keeps binaries it builds from the Go module proxy (kube-apiserver,
// etcd, kwok, helm, actionlint, terraform-provider-oci, ...).
//
// Why outside git: the binaries are hundreds of MB and machine-specific. Why a stable path:
// CI runs on the same machine after a session, so a warm cache turns a ~cold build into a
// lookup. A tool lives in <root>/<name>-<version>/ and is only trusted once its build wrote
// the `.complete` stamp, so an interrupted build is redone rather than half-used.
//
// This file is run directly by Node (type stripping), so it uses only erasable TypeScript and
// imports nothing from src/.
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function toolsCacheRoot(): string {
  const fromEnv = process.env.TODO_INFRA_TOOLS_CACHE;
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'todo-infra', 'tools');
}

/** Directory that holds one built version of one tool. */
export function toolDir(name: string, version: string): string {
  return join(toolsCacheRoot(), `${name}-${version}`);
}

/** True when a previous build of this tool version finished. */
export function isComplete(name: string, version: string): boolean {
  return existsSync(join(toolDir(name, version), '.complete'));
}

/** Empties the tool's directory before a build so no half-built file is ever reused. */
export function prepareToolDir(name: string, version: string): string {
  const dir = toolDir(name, version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  return dir;
}

/** Marks a build finished; call only after every binary of the tool is in place. */
export function markComplete(name: string, version: string, info: Record<string, unknown>): void {
  const body = JSON.stringify(
    { name, version, builtAt: new Date().toISOString(), ...info },
    null,
    2,
  );
  writeFileSync(join(toolDir(name, version), '.complete'), body + '\n');
}

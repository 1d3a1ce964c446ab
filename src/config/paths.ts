// Path helpers shared by config consumers.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Expands a leading ~ the way a shell would, so config files can say ~/.oci/config. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return resolve(path);
}

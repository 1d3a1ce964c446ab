// Loopback TCP ports for the control plane components.
//
// Asking the OS for port 0 and handing the number to a component is racy: the number comes
// from the ephemeral range that every outgoing connection also draws from, and on a busy
// machine (several control planes, each with hundreds of client connections) another socket
// takes it before the component binds. So ports are drawn from just below the ephemeral range,
// which outgoing connections never use, and reserved across processes with a lock directory
// per port (mkdir is atomic) naming the owner pid; a reservation whose owner died is reused.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const LOOPBACK = '127.0.0.1';

export interface PortReservation {
  ports: number[];
  /** Frees the reservations (the components must be stopped first). */
  release(): void;
}

/** [low, high] of the candidate range: the 12k ports below the kernel's ephemeral range. */
function candidateRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    if (Number(low) > 11000) ephemeralLow = Number(low);
  } catch {
    // not Linux: keep the common default
  }
  return [Math.max(10000, ephemeralLow - 12000), ephemeralLow - 1];
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lock(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (ownerAlive(Number(readFileSync(join(dir, 'pid'), 'utf8')))) return false;
    } catch {
      return false; // the owner is between mkdir and writing its pid
    }
    rmSync(dir, { recursive: true, force: true });
    return lock(dir);
  }
  writeFileSync(join(dir, 'pid'), String(process.pid));
  return true;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

export async function reservePorts(count: number, lockRoot: string): Promise<PortReservation> {
  const dir = join(lockRoot, 'ports');
  mkdirSync(dir, { recursive: true });
  const [low, high] = candidateRange();
  const held: string[] = [];
  const release = (): void => {
    for (const d of held.splice(0)) rmSync(d, { recursive: true, force: true });
  };
  const ports: number[] = [];
  for (let attempts = 0; ports.length < count; attempts++) {
    if (attempts > 500) {
      release();
      throw new Error(`no free loopback port in ${low}-${high} after 500 attempts`);
    }
    const port = randomInt(low, high + 1);
    const lockDir = join(dir, String(port));
    if (ports.includes(port) || !lock(lockDir)) continue;
    if (await bindable(port)) {
      held.push(lockDir);
      ports.push(port);
    } else {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
  return { ports, release };
}

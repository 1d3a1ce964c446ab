// Port reservations never hand the same port to two control planes and stay out of the
// kernel's ephemeral range (where outgoing connections would steal them).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reservePorts } from './ports.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('reservePorts', () => {
  it('reserves distinct ports below the ephemeral range and releases them', async () => {
    root = mkdtempSync(join(tmpdir(), 'ports-test-'));
    const a = await reservePorts(6, root);
    const b = await reservePorts(6, root);
    const all = [...a.ports, ...b.ports];
    expect(new Set(all).size).toBe(12);
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    for (const p of all) expect(p).toBeLessThan(Number(low));
    for (const p of a.ports) {
      expect(readFileSync(join(root, 'ports', String(p), 'pid'), 'utf8')).toBe(String(process.pid));
    }
    a.release();
    b.release();
    for (const p of all) expect(existsSync(join(root, 'ports', String(p)))).toBe(false);
  });
});

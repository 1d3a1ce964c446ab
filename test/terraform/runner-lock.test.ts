// State lock contention with the real terraform binary: one run holds the lock while its apply
// sleeps (a fixture switch), a second run on the same state meets terraform's real
// "Error acquiring the state lock" and must report the lock id and the force-unlock command.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import { provision } from '../../src/terraform/provision.js';
import { scratchState, stackFor } from './runner-helpers.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('a held lock: TF_STATE_LOCKED, lock id, unlock command', { timeout: 120_000 }, async () => {
  const stateDir = scratchState();
  const dir = join(stateDir, 'terraform');
  const lockInfo = join(dir, '.terraform.tfstate.lock.info');
  const holding = stackFor(stateDir, { apply_delay_seconds: 6 });
  const holder = provision(holding);
  // plan takes and releases the lock too; wait until apply is inside the sleeping provisioner.
  await until(
    () =>
      holding.lines.some((l) => l.includes('node_pool: Provisioning with')) && existsSync(lockInfo),
    'the first apply to hold the lock',
  );
  const heldId = (JSON.parse(readFileSync(lockInfo, 'utf8')) as { ID: string }).ID;

  let error: unknown;
  try {
    await provision(stackFor(stateDir, { apply_delay_seconds: 6 }));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TodoInfraError);
  const e = error as TodoInfraError;
  expect(e.code).toBe('TF_STATE_LOCKED');
  expect(e.exitCode).toBe(ExitCode.locked);
  expect(e.message).toContain(`lock ID ${heldId}`);
  expect(e.hint).toContain(`terraform -chdir=${dir} force-unlock ${heldId}`);
  expect(e.details.join('\n')).toContain('Error acquiring the state lock');

  const first = await holder;
  expect(first.applied).toBe(true);
  expect(existsSync(lockInfo)).toBe(false);
});

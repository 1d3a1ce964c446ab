// Interruption (the engine's abort signal, fired on Ctrl-C / SIGTERM) with the real terraform
// binary: an apply already running is left to finish and save its state (it is never killed
// mid-way), the read-only steps after it are cancelled; an apply not yet started is not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Logger } from '../../src/core/log.js';
import { provision } from '../../src/terraform/provision.js';
import { scratchState, stackFor } from './runner-helpers.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test(
  'an abort during apply lets terraform finish and save the state',
  { timeout: 120_000 },
  async () => {
    const stateDir = scratchState();
    const abort = new AbortController();
    const options = { ...stackFor(stateDir, { apply_delay_seconds: 3 }), signal: abort.signal };
    const running = provision(options);
    await until(
      () => options.lines.some((l) => l.includes('node_pool: Provisioning with')),
      'apply to be in the node pool',
    );
    abort.abort();
    // Reading the outputs afterwards is cancelled: the run stops there as interrupted.
    await expect(running).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(options.lines.some((l) => /Apply complete! Resources: \d+ added/.test(l))).toBe(true);
    const stateFile = join(stateDir, 'terraform', 'terraform.tfstate');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      resources: { name: string }[];
    };
    expect(state.resources.map((r) => r.name)).toContain('node_pool');
    expect(existsSync(join(stateDir, 'terraform', '.terraform.tfstate.lock.info'))).toBe(false);
  },
);

test('an abort before apply: nothing is applied', { timeout: 120_000 }, async () => {
  const stateDir = scratchState();
  const abort = new AbortController();
  const options = { ...stackFor(stateDir), signal: abort.signal };
  const inner = options.logger;
  // Abort the moment the plan reports its summary, before apply would start.
  const logger: Logger = {
    verbosity: inner.verbosity,
    warn: (t) => inner.warn(t),
    verbose: (t) => inner.verbose(t),
    debug: (t) => inner.debug(t),
    child: (scope) => inner.child(scope),
    info: (text) => {
      inner.info(text);
      if (text.startsWith('terraform plan:')) abort.abort();
    },
  };
  const wrapped = { ...options, logger };
  await expect(provision(wrapped)).rejects.toMatchObject({
    code: 'INTERRUPTED',
    message: 'interrupted while about to run terraform apply',
  });
  expect(options.lines.some((l) => /running: .*terraform apply/.test(l))).toBe(false);
  expect(existsSync(join(stateDir, 'terraform', 'terraform.tfstate'))).toBe(false);
});

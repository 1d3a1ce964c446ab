// Shared setup for the terraform runner tests: a parsed config, a scratch state directory, and
// a logger that keeps every line in memory so tests can see what the runner streamed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { memoryLogger } from '../../src/core/log.js';
import type { StackOptions } from '../../src/terraform/stack.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built-in-only stand-in for terraform/ (written by the terraform module helper). */
export const fixtureModule = join(repoRoot, 'test', 'fixtures', 'terraform', 'basic');
export const TENANCY = 'ocid1.tenancy.oc1..aaaaaaaaexampleexampleexample';
export const ADS = [1, 2, 3].map((n) => `Uocm:EU-FRANKFURT-1-AD-${n}`);

export function makeConfig(input: ConfigInput = {}): Config {
  return configSchema.parse({
    ...input,
    oci: { region: 'eu-frankfurt-1', tenancyId: TENANCY, ...input.oci },
  });
}

export function scratchState(prefix = 'tf-runner'): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export function stackFor(
  stateDir: string,
  extraVars: Record<string, unknown> = {},
  config: Config = makeConfig(),
): StackOptions & { lines: string[] } {
  const { logger, lines } = memoryLogger(2);
  return { config, stateDir, logger, moduleDir: fixtureModule, extraVars, lines };
}

// Finds the terraform CLI and learns its version. The version matters beyond a minimum check:
// the state backend for OCI Object Storage is written differently for terraform < 1.6, < 1.12
// and >= 1.12 (see backend.ts), so it is detected once per binary and passed around.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ExitCode, TodoInfraError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runTool } from '../core/proc.js';
import { expandPath } from '../oci/config-file.js';

/** The oldest terraform the shipped module accepts (`required_version = ">= 1.5.0"`). */
export const MIN_TERRAFORM: Version = { major: 1, minor: 5, patch: 0 };

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export interface TerraformBinary {
  path: string;
  version: Version;
  /** As terraform printed it, e.g. "1.11.4". */
  versionText: string;
}

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersion(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function atLeast(v: Version, major: number, minor: number, patch = 0): boolean {
  return compareVersion(v, { major, minor, patch }) >= 0;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `terraform.binary` from the config, else the first `terraform` on PATH. */
export function locateTerraform(config: Config, pathEnv = process.env.PATH ?? ''): string {
  const configured = config.terraform.binary;
  if (configured !== undefined) {
    const path = expandPath(configured);
    if (isExecutable(path)) return path;
    const message = `terraform.binary ${path} is not an executable file`;
    throw new TodoInfraError('TERRAFORM_NOT_FOUND', message, {
      source: 'user',
      exitCode: ExitCode.usage,
      hint: 'Point terraform.binary at the terraform executable, or remove it to use PATH.',
    });
  }
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'terraform');
    if (isExecutable(candidate)) return candidate;
  }
  throw new TodoInfraError('TERRAFORM_NOT_FOUND', 'terraform was not found on PATH', {
    source: 'environment',
    exitCode: ExitCode.preflight,
    hint:
      'Install terraform 1.5 or later (1.12+ stores state in OCI Object Storage natively) and ' +
      'put it on PATH, or set terraform.binary in the config file.',
  });
}

const versionCache = new Map<string, TerraformBinary>();

/** Runs `terraform version -json`; refuses versions older than the module supports. */
export async function detectTerraform(path: string, logger: Logger): Promise<TerraformBinary> {
  const cached = versionCache.get(path);
  if (cached) return cached;
  const result = await runTool(path, ['version', '-json'], {
    logger,
    timeoutMs: 60_000,
    env: { CHECKPOINT_DISABLE: '1' },
    errorCode: 'TERRAFORM_VERSION_FAILED',
    hint: `Check that ${path} is a working terraform binary (run it with \`version\`).`,
  });
  let text: unknown;
  try {
    text = (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version;
  } catch {
    text = undefined;
  }
  const version = typeof text === 'string' ? parseVersion(text) : undefined;
  if (!version || typeof text !== 'string') {
    throw new TodoInfraError('TERRAFORM_VERSION_FAILED', `cannot read the version of ${path}`, {
      source: 'environment',
      exitCode: ExitCode.preflight,
      details: result.tail,
      hint: 'Use a terraform release binary (1.5 or later); `terraform version -json` must work.',
    });
  }
  if (compareVersion(version, MIN_TERRAFORM) < 0) {
    throw new TodoInfraError('TERRAFORM_TOO_OLD', `terraform ${text} at ${path} is too old`, {
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint: 'The OKE module needs terraform 1.5 or later; install a newer release.',
    });
  }
  const binary = { path, version, versionText: text };
  versionCache.set(path, binary);
  return binary;
}

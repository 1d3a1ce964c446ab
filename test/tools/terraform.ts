// Finds a terraform CLI for the tests and the module validation, building one when needed.
//
// Why a build fallback: the shipped module says `required_version = ">= 1.5"`, and a fresh
// machine may have no terraform at all. HashiCorp's release downloads are not reachable here,
// but terraform's source is a Go module, so `go install` from the module proxy works. v1.8.x is
// the newest line that `go install` accepts directly (later releases replace internal modules
// with relative paths, which `go install` refuses), and it satisfies ">= 1.5".
//
// Run directly (`node test/tools/terraform.ts`) it prints the binary it would use, building the
// fallback into the tool cache first when no terraform >= 1.5 is on PATH. `--build` forces the
// fallback build (used to measure it). Erasable TypeScript only; imports nothing from src/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isComplete, markComplete, prepareToolDir, toolDir } from './cache.ts';
import { withBuildLock } from './lock.ts';

export const TERRAFORM_MIN = [1, 5] as const;
export const TERRAFORM_FALLBACK_VERSION = 'v1.8.5';
const TERRAFORM_MODULE = 'github.com/hashicorp/terraform';

export interface TerraformBinary {
  path: string;
  version: string;
  source: 'path' | 'cache' | 'built';
}

/** Parses `terraform version -json`; undefined when the binary does not answer. */
export function terraformVersion(path: string): string | undefined {
  const run = spawnSync(path, ['version', '-json'], {
    encoding: 'utf8',
    timeout: 30_000,
    // A missing ~/.terraformrc named by the environment only adds a warning; keep output clean.
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
  });
  if (run.status !== 0) return undefined;
  try {
    const parsed = JSON.parse(run.stdout) as { terraform_version?: unknown };
    return typeof parsed.terraform_version === 'string' ? parsed.terraform_version : undefined;
  } catch {
    return undefined;
  }
}

export function meetsMinimum(version: string): boolean {
  const [major, minor] = version
    .replace(/^v/, '')
    .split('.')
    .map((p) => Number.parseInt(p, 10));
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) {
    return false;
  }
  return major > TERRAFORM_MIN[0] || (major === TERRAFORM_MIN[0] && minor >= TERRAFORM_MIN[1]);
}

function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, 'terraform');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function cachedBinary(): string {
  return join(toolDir('terraform', TERRAFORM_FALLBACK_VERSION), 'bin', 'terraform');
}

function goInstall(gobin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['install', `${TERRAFORM_MODULE}@${TERRAFORM_FALLBACK_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GOBIN: gobin,
        CGO_ENABLED: '0',
        GOTOOLCHAIN: 'local',
        GOFLAGS: '-buildvcs=false',
      },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `go install ${TERRAFORM_MODULE}@${TERRAFORM_FALLBACK_VERSION} exited ${code}`,
            ),
          ),
    );
  });
}

function cachedTerraform(): TerraformBinary | undefined {
  const cached = cachedBinary();
  if (!isComplete('terraform', TERRAFORM_FALLBACK_VERSION) || !existsSync(cached)) return undefined;
  return { path: cached, version: terraformVersion(cached) ?? '?', source: 'cache' };
}

/** Builds terraform from the Go module proxy into the tool cache (minutes on 2 cores). */
export async function buildTerraform(): Promise<TerraformBinary> {
  return withBuildLock(toolDir('terraform', TERRAFORM_FALLBACK_VERSION), async () => {
    const dir = prepareToolDir('terraform', TERRAFORM_FALLBACK_VERSION);
    const started = Date.now();
    process.stderr.write(
      `[terraform] building ${TERRAFORM_MODULE}@${TERRAFORM_FALLBACK_VERSION}` +
        ` into ${dir}/bin\n`,
    );
    await goInstall(join(dir, 'bin'));
    markComplete('terraform', TERRAFORM_FALLBACK_VERSION, {
      module: TERRAFORM_MODULE,
      buildSeconds: Math.round((Date.now() - started) / 1000),
    });
    return {
      path: cachedBinary(),
      version: terraformVersion(cachedBinary()) ?? '?',
      source: 'built',
    };
  });
}

/** The terraform on PATH when it is >= 1.5, else the cached fallback build, else a new one. */
export function findTerraform(): TerraformBinary | undefined {
  const fromPath = onPath();
  const pathVersion = fromPath ? terraformVersion(fromPath) : undefined;
  if (fromPath && pathVersion && meetsMinimum(pathVersion)) {
    return { path: fromPath, version: pathVersion, source: 'path' };
  }
  return cachedTerraform();
}

export async function ensureTerraform(): Promise<TerraformBinary> {
  return findTerraform() ?? (await buildTerraform());
}

/** The fallback build if it is cached: tests run the variable checks on it too (1.5-1.8). */
export function cachedFallbackTerraform(): TerraformBinary | undefined {
  return cachedTerraform();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = process.argv.includes('--build') ? buildTerraform() : ensureTerraform();
  run.then(
    (bin) => console.log(`${bin.source}\t${bin.version}\t${bin.path}`),
    (err: Error) => {
      process.stderr.write(`[terraform] ${err.message}\n`);
      process.exit(1);
    },
  );
}

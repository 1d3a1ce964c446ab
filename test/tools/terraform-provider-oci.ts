// Builds the real oracle/oci terraform provider from the Go module proxy into the tool cache,
// so `terraform validate` can check terraform/ against the provider's actual schema offline
// (through a dev_overrides CLI config, see validate-terraform.ts).
//
// Why a commit: the provider's release tags (v8.x.y) are not valid Go module versions (the
// module path has no /v8 suffix), so the release is pinned by its commit and resolved to a
// pseudo-version through the proxy. The wrapper module test/tools/terraform-provider-oci/
// records the resolved requirement in go.mod/go.sum on the first successful resolve; commit
// both so later builds use exactly that source (GOFLAGS=-mod=readonly from then on).
//
// Usage: `node test/tools/terraform-provider-oci.ts` builds (or reuses) it and prints the
// binary's directory. Erasable TypeScript only; imports nothing from src/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isComplete, markComplete, prepareToolDir, toolDir } from './cache.ts';
import { withBuildLock } from './lock.ts';
import { toolsSourceDir } from './tools.ts';

export const PROVIDER_MODULE = 'github.com/oracle/terraform-provider-oci';
/** Release 8.24.0 (2026-07-22), the `~> 8.24` floor of terraform/providers.tf. */
export const PROVIDER_RELEASE = '8.24.0';
/** The commit GitHub shows for the v8.24.0 release tag. */
export const PROVIDER_COMMIT = 'b40e08a';

const CACHE_NAME = 'terraform-provider-oci';
const CACHE_VERSION = `${PROVIDER_RELEASE}-${PROVIDER_COMMIT}`;
export const providerModuleDir = join(toolsSourceDir, 'terraform-provider-oci');
const say = (msg: string): void => void process.stderr.write(`[terraform-provider-oci] ${msg}\n`);

export interface ProviderBuild {
  /** Directory for dev_overrides: holds terraform-provider-oci_v<release>. */
  dir: string;
  binary: string;
  /** Module version the binary was built from (a pseudo-version). */
  moduleVersion: string;
  source: 'cache' | 'built';
}

/** Raised when the provider cannot be obtained; the message carries the exact obstacle. */
export class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
}

function goEnv(readonly: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    GOFLAGS: `-buildvcs=false${readonly ? ' -mod=readonly' : ''}`,
  };
}

/** The provider version pinned in the wrapper go.mod, once resolved; else undefined. */
export function pinnedModuleVersion(): string | undefined {
  const text = readFileSync(join(providerModuleDir, 'go.mod'), 'utf8');
  return /^\s*github\.com\/oracle\/terraform-provider-oci\s+(v\S+)/m.exec(text)?.[1];
}

function binaryPath(): string {
  const name = `terraform-provider-oci_v${PROVIDER_RELEASE}`;
  return join(toolDir(CACHE_NAME, CACHE_VERSION), 'bin', name);
}

function go(args: string[], readonly: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: providerModuleDir,
      env: goEnv(readonly),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
      process.stderr.write(b);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new ProviderUnavailable(
              `\`go ${args.join(' ')}\` (in ${providerModuleDir}) exited ${code}:\n${out.trim()}`,
            ),
          ),
    );
  });
}

/** Pins the provider commit in the wrapper go.mod/go.sum (needs the module proxy). */
async function resolvePin(): Promise<string> {
  say(
    `resolving ${PROVIDER_MODULE}@${PROVIDER_COMMIT} (release ${PROVIDER_RELEASE}) ` +
      'through the Go module proxy',
  );
  await go(['get', `${PROVIDER_MODULE}@${PROVIDER_COMMIT}`], false);
  const pinned = pinnedModuleVersion();
  if (!pinned) throw new ProviderUnavailable(`go get did not add ${PROVIDER_MODULE} to go.mod`);
  say(
    `pinned ${PROVIDER_MODULE} ${pinned}; commit test/tools/terraform-provider-oci/go.mod ` +
      'and go.sum',
  );
  return pinned;
}

/** Builds the provider (a very large build: tens of minutes on 2 cores). */
export async function buildProvider(): Promise<ProviderBuild> {
  return withBuildLock(toolDir(CACHE_NAME, CACHE_VERSION), async () => {
    const cached = cachedBuild();
    if (cached) return cached;
    const moduleVersion = pinnedModuleVersion() ?? (await resolvePin());
    const dir = prepareToolDir(CACHE_NAME, CACHE_VERSION);
    const started = Date.now();
    say(`building ${PROVIDER_MODULE}@${moduleVersion} into ${dir}/bin (CGO_ENABLED=0)`);
    await go(['build', '-trimpath', '-ldflags=-s -w', '-o', binaryPath(), PROVIDER_MODULE], true);
    const seconds = Math.round((Date.now() - started) / 1000);
    const bytes = statSync(binaryPath()).size;
    markComplete(CACHE_NAME, CACHE_VERSION, {
      module: PROVIDER_MODULE,
      moduleVersion,
      release: PROVIDER_RELEASE,
      buildSeconds: seconds,
      binaryBytes: bytes,
    });
    say(`built in ${seconds}s, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    return { dir: join(dir, 'bin'), binary: binaryPath(), moduleVersion, source: 'built' };
  });
}

/** The cached build, if a complete one exists. */
export function cachedBuild(): ProviderBuild | undefined {
  if (!isComplete(CACHE_NAME, CACHE_VERSION) || !existsSync(binaryPath())) return undefined;
  const stamp = JSON.parse(
    readFileSync(join(toolDir(CACHE_NAME, CACHE_VERSION), '.complete'), 'utf8'),
  ) as { moduleVersion?: string };
  return {
    dir: join(toolDir(CACHE_NAME, CACHE_VERSION), 'bin'),
    binary: binaryPath(),
    moduleVersion: stamp.moduleVersion ?? '?',
    source: 'cache',
  };
}

export async function ensureProvider(): Promise<ProviderBuild> {
  if (spawnSync('go', ['version']).status !== 0) {
    throw new ProviderUnavailable('Go is not on PATH; it is needed to build the oci provider');
  }
  return cachedBuild() ?? (await buildProvider());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureProvider().then(
    (b) => console.log(`${b.source}\t${b.dir}\t${b.moduleVersion}`),
    (err: Error) => {
      process.stderr.write(`[terraform-provider-oci] ${err.message}\n`);
      process.exit(1);
    },
  );
}

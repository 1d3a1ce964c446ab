// Builds actionlint (the GitHub Actions workflow linter) from the Go module proxy into the tool
// cache, and finds shellcheck, which actionlint runs on every `run:` script.
//
// Usage: `node test/tools/actionlint.ts` builds (or reuses) it and prints the binary's path;
// `node test/tools/actionlint.ts FILE...` also lints the files with shellcheck enabled.
//
// Why `go install` with GOBIN inside the wrapper module (test/tools/actionlint/): the module's
// go.mod/go.sum pin actionlint and every dependency, so the build is reproducible offline and
// a version bump is one go.mod edit. Why shellcheck is checked here: actionlint silently drops
// its shellcheck rule when the command is missing, and a lint that quietly checks less would
// let the tests pass for the wrong reason. Both missing Go and missing shellcheck are errors.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isComplete, markComplete, prepareToolDir, toolDir } from './cache.ts';
import { withBuildLock } from './lock.ts';
import { toolsSourceDir } from './tools.ts';

const MODULE = 'github.com/rhysd/actionlint';
const PKG = `${MODULE}/cmd/actionlint`;
const say = (msg: string): void => void process.stderr.write(`[actionlint] ${msg}\n`);

export const actionlintModuleDir = join(toolsSourceDir, 'actionlint');

/** The actionlint version the wrapper go.mod pins, e.g. "v1.7.12". */
export function actionlintVersion(): string {
  const text = readFileSync(join(actionlintModuleDir, 'go.mod'), 'utf8');
  const m = /^\s*github\.com\/rhysd\/actionlint\s+(v\S+)/m.exec(text);
  if (!m) throw new Error(`${actionlintModuleDir}/go.mod does not require ${MODULE}`);
  return m[1];
}

function goEnv(gobin?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-buildvcs=false -mod=readonly',
  };
  if (gobin) env.GOBIN = gobin;
  return env;
}

function checkGo(): string {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv() });
  if (r.error || r.status !== 0) {
    throw new Error(
      'Go toolchain not found: install Go >= 1.26 (https://go.dev/dl/) and put ' +
        '`go` on PATH; it builds actionlint from the Go module proxy for the workflow tests',
    );
  }
  return r.stdout.trim();
}

/** Absolute path of shellcheck on PATH (or $SHELLCHECK), or an error saying how to install it. */
export function findShellcheck(): string {
  const candidates = process.env.SHELLCHECK
    ? [process.env.SHELLCHECK]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, 'shellcheck'));
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  throw new Error(
    'shellcheck not found on PATH: install it (Debian: `apt-get install -y ' +
      'shellcheck`); actionlint needs it to check the `run:` scripts of the workflows',
  );
}

function fingerprint(goVersion: string, ldflags: string): string {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) h.update(readFileSync(join(actionlintModuleDir, f)));
  h.update(JSON.stringify({ goVersion, ldflags }));
  return h.digest('hex').slice(0, 16);
}

function stamped(version: string): string | undefined {
  if (!isComplete('actionlint', version)) return undefined;
  const file = join(toolDir('actionlint', version), '.complete');
  return (JSON.parse(readFileSync(file, 'utf8')) as { fingerprint?: string }).fingerprint;
}

function goInstall(gobin: string, ldflags: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['install', '-trimpath', '-ldflags', ldflags, PKG];
    const child = spawn('go', args, {
      cwd: actionlintModuleDir,
      env: goEnv(gobin),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`go install ${PKG} failed (${signal ?? code}); see Go's output above`)),
    );
  });
}

/** Builds actionlint into the cache unless a matching complete build is there; returns its path. */
export async function ensureActionlint(): Promise<string> {
  const version = actionlintVersion();
  const goVersion = checkGo();
  // Without the -X flag `actionlint -version` says "unknown" (the main module is the wrapper).
  const ldflags = `-s -w -X ${MODULE}.version=${version}`;
  const fp = fingerprint(goVersion, ldflags);
  const bin = join(toolDir('actionlint', version), 'bin', 'actionlint');
  if (stamped(version) !== fp) {
    await withBuildLock(toolDir('actionlint', version), async () => {
      if (stamped(version) === fp) return;
      const dir = prepareToolDir('actionlint', version);
      say(`building actionlint ${version} into ${dir} (about a minute on a cold Go cache)`);
      const started = Date.now();
      await goInstall(join(dir, 'bin'), ldflags);
      const buildSeconds = Math.round((Date.now() - started) / 1000);
      markComplete('actionlint', version, {
        fingerprint: fp,
        goVersion,
        buildSeconds,
        binaries: ['actionlint'],
      });
      say(`built actionlint ${version} in ${buildSeconds}s`);
    });
  }
  if (!existsSync(bin)) throw new Error(`${bin} missing although its .complete stamp exists`);
  return bin;
}

export interface LintResult {
  ok: boolean;
  /** actionlint's report, one finding per line (`file:line:col: message [rule]`). */
  output: string;
}

/** Lints workflow files with shellcheck enabled; never passes silently without shellcheck. */
export async function lintWorkflows(files: string[]): Promise<LintResult> {
  const bin = await ensureActionlint();
  const shellcheck = findShellcheck();
  const r = spawnSync(bin, ['-no-color', '-oneline', '-shellcheck', shellcheck, ...files], {
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  // Exit 1 means findings; anything else (2 bad flags, 3 fatal) is a broken invocation.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`actionlint exited ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return { ok: r.status === 0, output: (r.stdout + r.stderr).trim() };
}

async function main(argv: string[]): Promise<void> {
  const bin = await ensureActionlint();
  process.stdout.write(`actionlint\t${bin}\n`);
  if (argv.length === 0) return;
  const res = await lintWorkflows(argv);
  if (res.output) process.stdout.write(res.output + '\n');
  if (!res.ok) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

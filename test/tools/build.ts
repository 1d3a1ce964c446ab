// Build driver for the Go-built test tools: `node test/tools/build.ts [tool...]`.
//
// Builds each requested tool that is missing from the cache (test/tools/cache.ts) and reuses
// complete ones. A cache entry is keyed by the tool's version; its `.complete` stamp also
// records a fingerprint of the wrapper module and link flags, so an edited go.sum or flag set
// rebuilds even at the same version. A missing Go toolchain is an error, never a skip: tests
// that need a real control plane must not silently pass without one.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isComplete, markComplete, prepareToolDir, toolDir, toolsCacheRoot } from './cache.ts';
import { withBuildLock } from './lock.ts';
import { moduleDir, toolVersion, TOOLS, type ToolSpec } from './tools.ts';

const MIN_GO_MINOR = 26;
const say = (msg: string): void => void process.stderr.write(`[tools] ${msg}\n`);

/** Fails with an actionable message when Go is absent or too old. Returns e.g. "go1.26.8". */
export function checkGo(): string {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const hint =
    `install Go >= 1.${MIN_GO_MINOR} (https://go.dev/dl/) and put \`go\` on PATH; ` +
    'it builds kube-apiserver, etcd, kwok and helm from the Go module proxy';
  if (r.error || r.status !== 0) throw new Error(`Go toolchain not found: ${hint}`);
  const v = r.stdout.trim();
  const m = /^go1\.(\d+)/.exec(v);
  if (!m || Number(m[1]) < MIN_GO_MINOR) throw new Error(`Go toolchain too old (${v}): ${hint}`);
  return v;
}

function goEnv(): NodeJS.ProcessEnv {
  // readonly: a build must use exactly the committed go.sum, never edit it.
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOFLAGS: '-buildvcs=false -mod=readonly',
    GOTOOLCHAIN: 'local',
  };
}

/** Publish time of the module version, used as the reproducible build date. */
function moduleTime(tool: ToolSpec, version: string): string {
  const r = spawnSync('go', ['list', '-m', '-json', `${tool.module}@${version}`], {
    cwd: moduleDir(tool),
    env: goEnv(),
    encoding: 'utf8',
  });
  const time = r.status === 0 ? (JSON.parse(r.stdout) as { Time?: string }).Time : undefined;
  return (time ?? '1970-01-01T00:00:00Z').replace(/\.\d+Z$/, 'Z');
}

function fingerprint(tool: ToolSpec, goVersion: string, ldflags: string[]): string {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) h.update(readFileSync(join(moduleDir(tool), f)));
  h.update(JSON.stringify({ goVersion, ldflags, bins: tool.binaries }));
  return h.digest('hex').slice(0, 16);
}

function stampFingerprint(name: string, version: string): string | undefined {
  if (!isComplete(name, version)) return undefined;
  const stamp = JSON.parse(readFileSync(join(toolDir(name, version), '.complete'), 'utf8'));
  return (stamp as { fingerprint?: string }).fingerprint;
}

function runGo(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Go's own diagnostics go straight to our stderr so a failed build names module + error.
    const child = spawn('go', args, { cwd, env: goEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`go ${args.slice(0, 1).join(' ')} in ${cwd} failed (${signal ?? code})`),
          ),
    );
  });
}

async function buildTool(tool: ToolSpec, goVersion: string): Promise<void> {
  const version = toolVersion(tool);
  const ldflags = ['-s', '-w', ...tool.ldflags(version, moduleTime(tool, version))];
  const fp = fingerprint(tool, goVersion, ldflags);
  if (stampFingerprint(tool.name, version) === fp) return;
  await withBuildLock(toolDir(tool.name, version), async () => {
    if (stampFingerprint(tool.name, version) === fp) return; // built by whoever held the lock
    const dir = prepareToolDir(tool.name, version);
    const names = tool.binaries.map((b) => b.bin).join(', ');
    say(
      `building ${tool.name} ${version} (${names}) into ${dir}; ` +
        `a cold build takes ~${tool.coldMinutes} min on 2 cores, a warm Go cache much less`,
    );
    const started = Date.now();
    const ticker = setInterval(
      () =>
        say(`  ${tool.name}: still building ` + `(${Math.round((Date.now() - started) / 1000)}s)`),
      30_000,
    );
    try {
      // One `go build` per binary keeps output names explicit; shared packages are compiled
      // once thanks to Go's build cache.
      for (const b of tool.binaries) {
        await runGo(
          [
            'build',
            '-trimpath',
            '-ldflags',
            ldflags.join(' '),
            '-o',
            join(dir, 'bin', b.bin),
            b.pkg,
          ],
          moduleDir(tool),
        );
      }
    } finally {
      clearInterval(ticker);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    markComplete(tool.name, version, {
      fingerprint: fp,
      goVersion,
      buildSeconds: seconds,
      binaries: tool.binaries.map((b) => b.bin),
    });
    say(`built ${tool.name} ${version} in ${seconds}s`);
  });
}

/**
 * Builds (or reuses) the named tools and returns binary name -> absolute path for each of
 * their binaries, e.g. { 'kube-apiserver': '/…/kubernetes-v1.36.3/bin/kube-apiserver' }.
 */
export async function ensureTools(names: string[]): Promise<Record<string, string>> {
  const unknown = names.filter((n) => !(n in TOOLS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown tool(s) ${unknown.join(', ')}; known: ${Object.keys(TOOLS).join(', ')}`,
    );
  }
  const goVersion = checkGo();
  const paths: Record<string, string> = {};
  for (const name of names) {
    const tool = TOOLS[name]!;
    await buildTool(tool, goVersion);
    const dir = toolDir(tool.name, toolVersion(tool));
    for (const b of tool.binaries) {
      const p = join(dir, 'bin', b.bin);
      if (!existsSync(p)) throw new Error(`${p} missing although ${dir}/.complete exists`);
      paths[b.bin] = p;
    }
  }
  return paths;
}

export function toolVersions(): Record<string, string> {
  return Object.fromEntries(Object.values(TOOLS).map((t) => [t.name, toolVersion(t)]));
}

async function main(argv: string[]): Promise<void> {
  const names = argv.length > 0 ? argv : Object.keys(TOOLS);
  say(`cache: ${toolsCacheRoot()}`);
  const paths = await ensureTools(names);
  for (const [bin, p] of Object.entries(paths)) process.stdout.write(`${bin}\t${p}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

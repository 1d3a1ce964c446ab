#!/usr/bin/env node
// Start-up benchmark (not a test): how much slower and bigger `todo-infra` is than bare
// `node -e 0`, measured in the same run on the same machine, so the ratios mean something
// whatever the hardware. Commands are interleaved round by round, so a burst of background
// load hits every command alike instead of skewing one of them.
//
//   npm run bench                      15 timed rounds after 2 warm-up rounds
//   npm run bench -- --runs 30 --json  more rounds; machine-readable result on stdout
//
// Wall time is measured around each spawn here. Peak RSS comes from GNU time (`-f %M`) when
// /usr/bin/time exists, else from a preload that records the process's own maxRSS at exit.
// For `check`, GNU time reports the largest of the process and the tools it waited for.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'todo-infra.js');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const runs = flag('--runs', 15);
const warmup = flag('--warmup', 2);
const asJson = args.includes('--json');

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'todo-infra-bench-'));
const state = join(work, 'state');
const commands = [
  { name: 'node -e 0', argv: ['-e', '0'], ok: [0] },
  { name: 'todo-infra --help', argv: [bin, '--help'], ok: [0] },
  { name: 'todo-infra --version', argv: [bin, '--version'], ok: [0] },
  { name: 'todo-infra phases', argv: [bin, '--state-dir', state, 'phases'], ok: [0] },
  // Exit 3 is a verdict (a required tool is missing here), not a benchmark failure.
  {
    name: 'todo-infra check --no-cloud -o json',
    argv: [bin, '--state-dir', state, 'check', '--no-cloud', '-o', 'json'],
    ok: [0, 3],
  },
];

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const rssFile = join(work, 'rss');
// Fallback RSS probe: a preload that writes this process's peak RSS (KiB) when it exits.
const preload =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { writeFileSync } from 'node:fs';
   process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));`,
  );

const env = { ...process.env, HOME: work, BENCH_RSS_FILE: rssFile };
delete env.CI;

function runOnce(cmd) {
  rmSync(rssFile, { force: true });
  const [file, argv] = gnuTime
    ? [gnuTime, ['-f', '%M', '-o', rssFile, process.execPath, ...cmd.argv]]
    : [process.execPath, ['--import', preload, ...cmd.argv]];
  const start = performance.now();
  const r = spawnSync(file, argv, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - start;
  if (!cmd.ok.includes(r.status ?? -1)) {
    throw new Error(
      `${cmd.name} exited ${r.status ?? r.signal}:\n${r.stderr.toString().slice(-2000)}`,
    );
  }
  const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').pop() : '';
  const kib = Number(text);
  return { ms, rssMiB: Number.isFinite(kib) && kib > 0 ? kib / 1024 : undefined, status: r.status };
}

const samples = new Map(commands.map((c) => [c.name, []]));
try {
  for (let round = 0; round < warmup + runs; round++) {
    for (const cmd of commands) {
      const s = runOnce(cmd);
      if (round >= warmup) samples.get(cmd.name).push(s);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

const rows = commands.map((cmd) => {
  const s = samples.get(cmd.name);
  const times = s.map((x) => x.ms).sort((a, b) => a - b);
  const rss = s
    .map((x) => x.rssMiB)
    .filter((x) => x !== undefined)
    .sort((a, b) => a - b);
  return {
    command: cmd.name,
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    medianRssMiB: rss.length ? quantile(rss, 0.5) : undefined,
    peakRssMiB: rss.length ? rss[rss.length - 1] : undefined,
    exitCodes: [...new Set(s.map((x) => x.status))],
  };
});
const base = rows[0];
for (const r of rows) {
  r.timeRatio = r.medianMs / base.medianMs;
  r.rssRatio = r.medianRssMiB && base.medianRssMiB ? r.medianRssMiB / base.medianRssMiB : undefined;
}

const meta = {
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  runs,
  warmup,
  rssSource: gnuTime ? 'GNU time %M' : 'process.resourceUsage().maxRSS preload',
};

if (asJson) {
  process.stdout.write(JSON.stringify({ ...meta, rows }) + '\n');
} else {
  const f = (n, d = 1) => (n === undefined ? '-' : n.toFixed(d));
  const header = [
    'command',
    'median ms',
    'p95 ms',
    'x node',
    'RSS MiB (median/peak)',
    'x node RSS',
  ];
  const table = rows.map((r) => [
    r.command,
    f(r.medianMs),
    f(r.p95Ms),
    f(r.timeRatio, 2),
    `${f(r.medianRssMiB)} / ${f(r.peakRssMiB)}`,
    f(r.rssRatio, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(
    `todo-infra start-up: ${runs} rounds (+${warmup} warm-up), node ${meta.node}, ` +
      `${meta.cpus} CPUs, load ${meta.loadavg.join(' ')}, RSS from ${meta.rssSource}\n` +
      [line(header), ...table.map(line)].join('\n') +
      '\n',
  );
}

// Benchmark (not a test): readiness-detection latency — the time from a simulator making a
// condition true to the wait noticing — for todo-infra's watch-based wait versus a loop that
// polls every 5 seconds (what a sleep-and-check script does), measured side by side in the
// same trials against the real local control plane.
//
//   npm run build && node scripts/bench-readiness.ts [--trials=30] [--poll-ms=5000]
//                                                    [--kubeconfig=<file from cluster:up>]
//
// Each trial creates a Strimzi Kafka (no Ready condition), starts both waiters, sleeps a
// random 0.5–5.5 s (so the flip lands at a uniformly random point of the polling cycle), then
// the operator simulator sets Ready=True. Latency is measured from just before that call, so
// it includes the simulator's own GET + status PUT (reported separately).
//
// Run by Node's type stripping: it imports the built product (dist/) and the test harness,
// never src/ (whose .js specifiers only exist after the build).
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startControlPlane } from '../test/cluster/control-plane.ts';
import { setCondition } from '../test/cluster/operator-simulator.ts';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const trials = Number(arg('trials') ?? 30);
const pollMs = Number(arg('poll-ms') ?? 5000);

const dist = new URL('../dist/kube/index.js', import.meta.url);
if (!existsSync(dist)) {
  process.stderr.write('dist/kube/index.js is missing: run `npm run build` first.\n');
  process.exit(2);
}
const { createKube } = await import(dist.href);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
function stats(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}
const ms = (v: number): string => (v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);

const cp = arg('kubeconfig') ? undefined : await startControlPlane({ nodes: 1 });
const kubeconfigPath = arg('kubeconfig') ?? cp!.kubeconfigPath;
const kube = await createKube({ kubeconfigPath });
const ns = `bench-${randomBytes(3).toString('hex')}`;
const isReady = (o: any): boolean =>
  !!o?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

/** The baseline: check, sleep pollMs, check again — until Ready. */
async function pollUntilReady(ref: object): Promise<number> {
  for (;;) {
    if (isReady(await kube.get(ref))) return performance.now();
    await sleep(pollMs);
  }
}

const watchLatency: number[] = [];
const pollLatency: number[] = [];
const flipCost: number[] = [];
try {
  await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]);
  for (let i = 0; i < trials; i++) {
    const name = `k${i}`;
    await kube.apply([
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name, namespace: ns },
        spec: {
          kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] },
        },
      },
    ]);
    const ref = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', name, namespace: ns };
    const watched = kube
      .waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 60_000 })
      .then(() => performance.now());
    const polled = pollUntilReady(ref);
    await sleep(500 + Math.random() * pollMs);
    const t0 = performance.now();
    await setCondition(
      kubeconfigPath,
      { group: 'kafka.strimzi.io', version: 'v1', plural: 'kafkas', namespace: ns, name },
      { status: 'True' },
    );
    flipCost.push(performance.now() - t0);
    const [tw, tp] = await Promise.all([watched, polled]);
    watchLatency.push(tw - t0);
    pollLatency.push(tp - t0);
    process.stderr.write(`trial ${i + 1}/${trials}: watch ${ms(tw - t0)}, poll ${ms(tp - t0)}\n`);
  }
} finally {
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => false);
  await kube.close();
  await cp?.stop();
}

const w = stats(watchLatency);
const p = stats(pollLatency);
const f = stats(flipCost);
process.stdout.write(
  [
    `readiness-detection latency, ${trials} trials (Ready=True set by the operator simulator)`,
    `  watch-based wait (todo-infra):   median ${ms(w.median)}, p95 ${ms(w.p95)}`,
    `  ${pollMs / 1000} s polling loop (baseline):   median ${ms(p.median)}, p95 ${ms(p.p95)}`,
    `  baseline / watch:                median ${(p.median / w.median).toFixed(0)}x, ` +
      `p95 ${(p.p95 / w.p95).toFixed(0)}x`,
    `  (both include the simulator's own GET + status PUT: median ${ms(f.median)})`,
    '',
  ].join('\n'),
);

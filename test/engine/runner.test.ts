// The runner with fake phases: concurrency, ordering, skipping, failure and interruption, and
// the journal it leaves behind in each case.
import { afterEach, describe, expect, it } from 'vitest';
import { TodoInfraError, ExitCode } from '../../src/core/errors.js';
import { clearSecretsForTests, registerSecret } from '../../src/core/redact.js';
import { Journal } from '../../src/engine/journal.js';
import { promptInterruption } from '../../src/engine/interrupt.js';
import { deferred, fake, harness, timeline } from './fake-phases.ts';
import { tempDir } from './temp.ts';

afterEach(() => clearSecretsForTests());

/** Fails the test (instead of hanging it) when a promise the runner should settle never does. */
function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`never happened: ${what}`)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

describe('runner: concurrency and order', () => {
  it('runs independent phases at the same time', async () => {
    // ingress and strimzi each refuse to finish until the other has started: only a runner
    // that has both in flight at once can complete this.
    const bothStarted = deferred();
    let started = 0;
    const meet = async () => {
      started += 1;
      if (started === 2) bothStarted.resolve();
      await within(bothStarted.promise, 'ingress and strimzi running at the same time');
      return {};
    };
    const phases = [
      fake('base', []),
      fake('ingress', ['base'], { work: meet }),
      fake('strimzi', ['base'], { work: meet }),
    ];
    const h = harness(tempDir(), phases);
    const summary = await h.run();
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['base', 'ingress', 'strimzi']);
    const t = timeline(h.events);
    expect(t.indexOf('start:strimzi')).toBeLessThan(t.indexOf('finish:ingress'));
    expect(t.indexOf('start:ingress')).toBeLessThan(t.indexOf('finish:strimzi'));
  });

  it('starts a phase only after everything it needs has finished', async () => {
    const gate = deferred();
    const phases = [
      fake('base', [], {
        work: async () => {
          await gate.promise;
          return { ran: 'base' };
        },
      }),
      fake('strimzi', ['base']),
      fake('kafka', ['strimzi']),
      fake('dapr', ['base']),
      fake('workers', ['kafka', 'dapr']),
    ];
    const h = harness(tempDir(), phases);
    const running = h.run();
    await phases[0]!.entered.promise;
    expect(timeline(h.events)).toEqual(['start:base']); // nothing else while base is held
    gate.resolve();
    await running;
    const t = timeline(h.events);
    const at = (s: string) => t.indexOf(s);
    expect(at('finish:base')).toBeLessThan(at('start:strimzi'));
    expect(at('finish:base')).toBeLessThan(at('start:dapr'));
    expect(at('finish:strimzi')).toBeLessThan(at('start:kafka'));
    expect(at('finish:kafka')).toBeLessThan(at('start:workers'));
    expect(at('finish:dapr')).toBeLessThan(at('start:workers'));
    for (const id of ['base', 'strimzi', 'kafka', 'dapr', 'workers'] as const) {
      expect(h.journal.get(id)).toMatchObject({ status: 'succeeded', outputs: { ran: id } });
      expect(h.journal.get(id)?.inputHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('runner: skipping', () => {
  it('skips a phase whose inputs are unchanged and whose checkpoint passes', async () => {
    const dir = tempDir();
    const phases = [fake('base', []), fake('ingress', ['base'])];
    await harness(dir, phases).run();
    expect(phases.map((p) => p.runs)).toEqual([1, 1]);
    const second = harness(dir, phases); // a fresh process: journal reloaded from disk
    const summary = await second.run();
    expect(summary.skipped).toEqual(['base', 'ingress']);
    expect(phases.map((p) => p.runs)).toEqual([1, 1]);
    expect(phases.map((p) => p.checks)).toEqual([2, 2]); // after the run, then on the re-run
    expect(timeline(second.events)).toEqual(['skip:base:unchanged', 'skip:ingress:unchanged']);
  });

  it('runs again when the checkpoint no longer passes', async () => {
    const dir = tempDir();
    let healthy = true;
    const phases = [
      fake('base', [], {
        checkpoint: () => ({ ok: healthy, detail: healthy ? 'ok' : 'namespace gone' }),
      }),
    ];
    await harness(dir, phases).run();
    healthy = false;
    const h = harness(dir, phases);
    const checkThenRun = h.run();
    await phases[0]!.entered.promise;
    healthy = true; // the re-run repairs it, so the post-run checkpoint passes
    const summary = await checkThenRun;
    expect(summary.succeeded).toEqual(['base']);
    expect(phases[0]!.runs).toBe(2);
  });

  it('runs again when the inputs change, without consulting the old checkpoint first', async () => {
    const dir = tempDir();
    let replicas = 1;
    const phases = [fake('apps', [], { inputs: () => ({ replicas }) })];
    await harness(dir, phases).run();
    const firstHash = Journal.load(dir).get('apps')?.inputHash;
    replicas = 2;
    await harness(dir, phases).run();
    expect(phases[0]!.runs).toBe(2);
    expect(phases[0]!.checks).toBe(2); // one per run, none for a skip decision
    expect(Journal.load(dir).get('apps')?.inputHash).not.toBe(firstHash);
  });

  it('runs again with rerun even when nothing changed', async () => {
    const dir = tempDir();
    const phases = [fake('base', [])];
    await harness(dir, phases).run();
    await harness(dir, phases).run({ rerun: true });
    expect(phases[0]!.runs).toBe(2);
  });

  it('runs again after a failure even with unchanged inputs', async () => {
    const dir = tempDir();
    let fail = true;
    const phases = [
      fake('base', [], {
        work: async () => {
          if (fail) throw new Error('boom');
          return {};
        },
      }),
    ];
    await harness(dir, phases).run();
    fail = false;
    const summary = await harness(dir, phases).run();
    expect(summary.succeeded).toEqual(['base']);
    expect(phases[0]!.runs).toBe(2);
  });

  it('skips cloudOnly phases for --target existing and still runs their dependants', async () => {
    const dir = tempDir();
    const phases = [
      fake('preflight', []),
      fake('terraform', ['preflight'], { cloudOnly: true }),
      fake('kubeconfig', ['terraform'], { cloudOnly: true }),
      fake('base', ['kubeconfig']),
    ];
    const h = harness(dir, phases, 'existing');
    const summary = await h.run();
    expect(summary.skipped).toEqual(['terraform', 'kubeconfig']);
    expect(summary.succeeded).toEqual(['preflight', 'base']);
    expect(phases.map((p) => p.runs)).toEqual([1, 0, 0, 1]);
    expect(Journal.load(dir).get('terraform')).toMatchObject({ status: 'skipped' });
    expect(Journal.load(dir).get('terraform')?.reason).toMatch(/--target existing/);
    expect(timeline(h.events)).toContain('skip:terraform:target');
  });
});

describe('runner: failure', () => {
  it('stops starting new phases, lets running ones finish, and marks dependants blocked', async () => {
    const dir = tempDir();
    const strimziGate = deferred();
    const phases = [
      fake('base', []),
      fake('ingress', ['base'], {
        work: async () => {
          await phases[2]!.entered.promise; // strimzi is in flight when ingress fails
          throw new TodoInfraError('HELM_FAILED', 'helm upgrade failed', {
            hint: 'look at the release',
          });
        },
      }),
      fake('strimzi', ['base'], {
        work: async () => {
          await strimziGate.promise;
          return { operator: 'up' };
        },
      }),
      fake('kafka', ['strimzi']),
      fake('apps', ['ingress']),
    ];
    const h = harness(dir, phases);
    const running = h.run();
    await phases[2]!.entered.promise;
    // ingress fails while strimzi is held; only then does strimzi finish.
    await within(
      new Promise<void>((res) => {
        const poll = () =>
          h.journal.get('ingress')?.status === 'failed' ? res() : setTimeout(poll, 5);
        poll();
      }),
      'ingress recorded as failed',
    );
    strimziGate.resolve();
    const summary = await running;
    expect(summary.failed.map((f) => f.phase)).toEqual(['ingress']);
    expect(summary.failed[0]!.error.code).toBe('HELM_FAILED');
    expect(summary.succeeded).toEqual(['base', 'strimzi']);
    expect(summary.blocked.sort()).toEqual(['apps', 'kafka']);
    expect(phases[3]!.runs).toBe(0); // kafka's dependency succeeded, but nothing new starts
    const blocked = h.events.filter((e) => e.type === 'phase-blocked');
    expect(blocked.find((e) => e.phase === 'apps')).toMatchObject({ blockedBy: ['ingress'] });
    const j = Journal.load(dir);
    expect(j.get('ingress')).toMatchObject({
      status: 'failed',
      error: { code: 'HELM_FAILED', message: 'helm upgrade failed', hint: 'look at the release' },
    });
    expect(j.get('ingress')?.finishedAt).toBeDefined();
    expect(j.get('strimzi')).toMatchObject({ status: 'succeeded', outputs: { operator: 'up' } });
    expect(j.get('kafka')).toBeUndefined();
    expect(j.get('apps')).toBeUndefined();
  });

  it('records a failing post-run checkpoint as CHECKPOINT_FAILED with its detail', async () => {
    const dir = tempDir();
    const phases = [
      fake('base', [], { checkpoint: () => ({ ok: false, detail: 'quota todo-app missing' }) }),
    ];
    const summary = await harness(dir, phases).run();
    expect(summary.failed[0]!.error.code).toBe('CHECKPOINT_FAILED');
    expect(Journal.load(dir).get('base')?.error?.message).toContain('quota todo-app missing');
  });

  it('turns an unexpected exception into a coded INTERNAL error attributed to the phase', async () => {
    const dir = tempDir();
    const phases = [
      fake('base', [], {
        work: async () => {
          throw new TypeError('x is undefined');
        },
      }),
    ];
    const summary = await harness(dir, phases).run();
    expect(summary.failed[0]!.error).toMatchObject({
      code: 'INTERNAL',
      phase: 'base',
      message: 'x is undefined',
    });
  });

  it('redacts secrets in the outputs and errors it records', async () => {
    const dir = tempDir();
    const secret = 'tok-SuperSecret123';
    registerSecret(secret);
    const phases = [
      fake('registry', [], { work: async () => ({ token: secret, url: 'https://x' }) }),
      fake('base', [], {
        work: async () => {
          throw new Error(`login with ${secret} refused`);
        },
      }),
    ];
    await harness(dir, phases).run();
    const j = Journal.load(dir);
    expect(j.get('registry')?.outputs).toEqual({ token: '[redacted]', url: 'https://x' });
    expect(j.get('base')?.error?.message).toBe('login with [redacted] refused');
  });
});

describe('runner: interruption', () => {
  it('on abort, the running phase ends interrupted, nothing new starts, no record stays running', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const phases = [
      fake('base', []),
      fake('strimzi', ['base'], {
        // Like a real wait: resolves only when the run is aborted, then throws.
        work: (ctx) =>
          new Promise((_, rej) =>
            ctx.signal.addEventListener('abort', () => rej(new Error('wait aborted'))),
          ),
      }),
      fake('kafka', ['strimzi']),
    ];
    const h = harness(dir, phases);
    const running = h.run({ signal: controller.signal });
    await phases[1]!.entered.promise;
    expect(Journal.load(dir).get('strimzi')?.status).toBe('running');
    controller.abort();
    const summary = await within(running, 'the run to end after abort');
    expect(summary.interrupted).toBe(true);
    expect(summary.failed[0]!.error).toMatchObject({
      code: 'INTERRUPTED',
      exitCode: ExitCode.interrupted,
    });
    expect(summary.blocked).toEqual(['kafka']);
    expect(phases[2]!.runs).toBe(0);
    const j = Journal.load(dir);
    expect(j.get('base')?.status).toBe('succeeded');
    expect(j.get('strimzi')).toMatchObject({
      status: 'interrupted',
      error: { code: 'INTERRUPTED' },
    });
    expect(j.get('strimzi')?.inputHash).toBeDefined(); // kept from the running record
    expect(Object.values(j.all()).map((r) => r?.status)).not.toContain('running');
  });

  it('Ctrl-C at a prompt inside a phase (ExitPromptError) counts as an interruption', async () => {
    const dir = tempDir();
    const closed = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    const phases = [
      fake('base', [], {
        work: async () => {
          throw promptInterruption(closed, 'base') ?? closed;
        },
      }),
      fake('ingress', ['base']),
    ];
    const summary = await harness(dir, phases).run();
    expect(summary.interrupted).toBe(true);
    expect(summary.failed[0]!.error).toMatchObject({
      code: 'INTERRUPTED',
      exitCode: ExitCode.interrupted,
    });
    expect(summary.blocked).toEqual(['ingress']);
    expect(Journal.load(dir).get('base')?.status).toBe('interrupted');
  });

  it('an abort before the first phase starts runs nothing', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    controller.abort();
    const phases = [fake('base', []), fake('ingress', ['base'])];
    const summary = await harness(dir, phases).run({ signal: controller.signal });
    expect(summary.interrupted).toBe(true);
    expect(phases.map((p) => p.runs)).toEqual([0, 0]);
    expect(summary.blocked).toEqual(['base', 'ingress']);
  });
});

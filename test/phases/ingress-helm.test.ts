// The helm adapter's error classification and offline rendering, with the real helm binary
// (no cluster needed): what a user sees when a chart cannot be fetched or does not exist.
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical, helmTemplate, helmVersion } from '../../src/adapters/helm.js';
import { SIMULATOR_CHART, useCachedHelm } from './apps-harness.js';

beforeAll(async () => {
  await useCachedHelm();
});

const render = (ref: string, extra: { repo?: string } = {}) =>
  helmTemplate({
    release: 'r',
    namespace: 'n',
    chart: { ref, version: '1.0.0', ...extra },
    values: {},
  });

describe('helm adapter (real helm, offline)', () => {
  it('reports the helm version for preflight', async () => {
    const v = await helmVersion();
    expect(v.major).toBeGreaterThanOrEqual(3);
    expect(v.version).toMatch(/^v\d+\.\d+\.\d+/);
  });

  it('classifies an unreachable chart repository or OCI registry', async () => {
    await expect(render('dapr', { repo: 'https://charts.invalid/' })).rejects.toMatchObject({
      code: 'HELM_CHART_UNAVAILABLE',
      hint: expect.stringMatching(/local \.tgz or directory/),
    });
    await expect(render('oci://registry.invalid/charts/x')).rejects.toMatchObject({
      code: 'HELM_CHART_UNAVAILABLE',
    });
  });

  it('classifies a missing local chart as a usage error', async () => {
    await expect(render('./no-such-chart-dir')).rejects.toMatchObject({
      code: 'HELM_CHART_NOT_FOUND',
      exitCode: 2,
    });
  });

  it('renders a local chart with the given values', async () => {
    const out = await helmTemplate({
      release: 'nginx-ingress',
      namespace: 'ing',
      chart: { ref: SIMULATOR_CHART, version: 'x' },
      values: { controller: { ingressClass: { name: 'edge' } } },
    });
    expect(out).toContain('name: nginx-ingress-controller');
    expect(out).toContain('-ingress-class=edge');
  });

  it('compares values independently of key order', () => {
    expect(canonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonical({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }));
  });
});

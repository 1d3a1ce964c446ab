import { describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { changedPaths } from '../../src/kube/diff.js';
import { describeRef, parseManifests, refOf } from '../../src/kube/manifests.js';

function errorOf(fn: () => unknown): TodoInfraError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TodoInfraError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseManifests', () => {
  it('reads every document, skips empty ones and flattens Lists', () => {
    const text = [
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: todo-app}',
      '---',
      '# only a comment',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: todo-app}}',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: todo-app}}',
    ].join('\n');
    const objects = parseManifests(text, 'apps.yaml');
    expect(objects.map((x) => describeRef(refOf(x)))).toEqual([
      'Namespace todo-app',
      'ConfigMap todo-app/a',
      'ConfigMap todo-app/b',
    ]);
  });

  it('names the file, document and line of a YAML syntax error', () => {
    const e = errorOf(() =>
      parseManifests(
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nb: [\n',
        'bad.yaml',
      ),
    );
    expect(e.code).toBe('MANIFEST_INVALID');
    expect(e.message).toMatch(/^bad\.yaml, document 2 \(line \d+\) is not valid YAML/);
  });

  it('names the missing field', () => {
    expect(
      errorOf(() => parseManifests('kind: ConfigMap\nmetadata: {name: x}\n', 'x.yaml')).message,
    ).toBe('x.yaml, document 1: apiVersion is missing or not a string');
    expect(
      errorOf(() => parseManifests('apiVersion: v1\nkind: ConfigMap\n', 'x.yaml')).message,
    ).toBe('x.yaml, document 1: ConfigMap has no metadata.name');
    expect(errorOf(() => parseManifests('- 1\n- 2\n', 'x.yaml')).message).toMatch(
      /is not a Kubernetes object \(it is a list\)/,
    );
  });
});

describe('changedPaths', () => {
  const base = {
    metadata: { name: 'x', resourceVersion: '1', generation: 1, managedFields: [{ manager: 'a' }] },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    status: { replicas: 1 },
  };

  it('reports nothing for server-maintained differences', () => {
    const after = structuredClone(base);
    after.metadata.resourceVersion = '2';
    after.metadata.generation = 2;
    after.metadata.managedFields = [{ manager: 'b' }];
    after.status.replicas = 3;
    expect(changedPaths(base, after)).toEqual([]);
  });

  it('reports changed, added and removed paths without values', () => {
    const after = structuredClone(base) as any;
    after.spec.template.spec.containers[0].image = 'i:2';
    after.metadata.labels = { 'app.kubernetes.io/name': 'x' };
    delete after.spec.replicas;
    expect(changedPaths(base, after)).toEqual([
      'metadata.labels."app.kubernetes.io/name"',
      'spec.replicas',
      'spec.template.spec.containers[0].image',
    ]);
  });

  it('quotes keys that are not identifiers and caps a long list', () => {
    const many = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]),
    );
    const paths = changedPaths({ data: {} }, { data: many });
    expect(paths).toHaveLength(26);
    expect(paths.at(-1)).toBe('… 5 more');
    expect(changedPaths({ data: { 'a.b': 1 } }, { data: { 'a.b': 2 } })).toEqual(['data."a.b"']);
  });
});

describe('changedPaths and controller-written fields', () => {
  it('ignores the revision annotation the Deployment controller writes', () => {
    const before = { metadata: { name: 'web' }, spec: { replicas: 1 } };
    const after = {
      metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas: 3 },
    };
    expect(changedPaths(before, after)).toEqual(['spec.replicas']);
  });
});

// Turns typed manifest objects into the YAML files `render` writes. One helper for every
// manifest directory so rendered output looks the same everywhere (stable key order as built,
// no line folding, documents separated by ---).
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/types.js';

/** A multi-document YAML file from objects, with an optional comment header. */
export function toYaml(objects: readonly KubeObject[], header?: string): string {
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  const head = header
    ? header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n') + '\n'
    : '';
  return head + docs.join('---\n');
}

/** One plain YAML document (e.g. Helm values). */
export function toYamlDoc(value: unknown, header?: string): string {
  const head = header
    ? header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n') + '\n'
    : '';
  return head + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Labels every object todo-infra creates carries, so they can be found and audited. */
export function managedLabels(component?: string): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/part-of': 'todo',
    'app.kubernetes.io/managed-by': 'todo-infra',
  };
  if (component) labels['app.kubernetes.io/component'] = component;
  return labels;
}

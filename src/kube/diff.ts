// Which fields differ between an object before and after an apply: the content of a
// `--dry-run` report, and how a dry-run tells "configured" from "unchanged" (a dry-run never
// stores anything, so the resourceVersion comparison used for real applies says nothing).
// Only paths are reported, never values: a Secret's data must not reach the terminal.

/** Fields the server maintains itself; a difference there is not a change the user made. */
const SERVER_OWNED = new Set([
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
  'metadata.uid',
  'metadata.creationTimestamp',
  'status',
  // Written by the Deployment controller on every rollout, never by a manifest.
  'metadata.annotations."deployment.kubernetes.io/revision"',
]);

const MAX_PATHS = 25;

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `"${key}"`;
  return base ? `${base}.${safe}` : safe;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Dotted paths ("spec.template.spec.containers[0].image") whose values differ, at most
 * MAX_PATHS of them (then a final "…" entry). Server-owned fields are ignored.
 */
export function changedPaths(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk(before, after, '', out);
  if (out.length <= MAX_PATHS) return out;
  return [...out.slice(0, MAX_PATHS), `… ${out.length - MAX_PATHS} more`];
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (SERVER_OWNED.has(path)) return;
  // A map that appears or disappears is reported by its keys, so ignored keys stay ignored.
  if ((isRecord(a) && b === undefined) || (a === undefined && isRecord(b))) {
    walk(a ?? {}, b ?? {}, path, out);
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) walk(a[key], b[key], join(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(path);
      return;
    }
    a.forEach((item, index) => walk(item, b[index], join(path, index), out));
    return;
  }
  if (a !== b) out.push(path || '(whole object)');
}

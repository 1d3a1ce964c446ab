// Input hashes decide whether a phase can be skipped on a re-run. The hash must not depend on
// object key order (config files written by hand reorder freely), so values are serialized
// canonically before hashing.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashInputs(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

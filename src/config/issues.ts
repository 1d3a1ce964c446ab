// How one schema issue becomes problem lines. zod reports unknown keys once per object with the
// object's path ("cluster: Unrecognized key"); a user needs each key under its own path and, as
// most unknown keys are typos, the key that was probably meant.
import type { z } from 'zod';
import type { Leaf } from './walk.js';

export interface Problem {
  path: string;
  message: string;
}

export function describeIssue(issue: z.core.$ZodIssue, leaves: readonly Leaf[]): Problem[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const known = keysUnder(leaves, at);
    return issue.keys.map((key) => {
      const meant = closest(key, known);
      return {
        path: [...at, key].join('.'),
        message:
          `unknown key${meant ? ` (did you mean ${meant}?)` : ''}; ` +
          (meant ? `rename it to ${meant} or remove it` : 'remove it or fix its spelling'),
      };
    });
  }
  return [{ path: at.join('.'), message: issue.message }];
}

/** The keys the schema allows directly under `prefix`. */
function keysUnder(leaves: readonly Leaf[], prefix: string[]): string[] {
  const keys = new Set<string>();
  for (const leaf of leaves) {
    if (leaf.path.length > prefix.length && prefix.every((p, i) => leaf.path[i] === p)) {
      keys.add(leaf.path[prefix.length]!);
    }
  }
  return [...keys];
}

/**
 * A known key equal ignoring case, within two edits, or the one key the given name begins
 * (`ocpus` → `ocpusPerNode`); undefined when nothing is close.
 */
function closest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d <= 2 && d < key.length / 2 && (!best || d < best.d)) best = { key: k, d };
  }
  if (best) return best.key;
  const longer = known.filter((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower));
  return longer.length === 1 ? longer[0] : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}

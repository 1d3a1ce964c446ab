// Walks the zod schema to list every configurable leaf. This is what gives every config key an
// environment variable (TODO_INFRA_CLUSTER_NODE_COUNT for cluster.nodeCount) without a second,
// hand-kept table that would drift from the schema.
import type { z } from 'zod';

export type LeafKind = 'string' | 'number' | 'boolean' | 'enum' | 'json';

export interface Leaf {
  path: string[];
  kind: LeafKind;
  envVar: string;
  description?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      def.innerType &&
      ['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def.type)
    ) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

export function envVarFor(path: readonly string[]): string {
  const snake = path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `TODO_INFRA_${snake.join('_')}`;
}

export function leaves(schema: z.ZodType, prefix: string[] = []): Leaf[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => leaves(child, [...prefix, key]));
  }
  const kind: LeafKind =
    def.type === 'string' || def.type === 'literal'
      ? 'string'
      : def.type === 'number'
        ? 'number'
        : def.type === 'boolean'
          ? 'boolean'
          : def.type === 'enum'
            ? 'enum'
            : 'json';
  return [{ path: prefix, kind, envVar: envVarFor(prefix) }];
}

/** Converts an environment string to the leaf's type; returns an error message on failure. */
export function coerce(leaf: Leaf, raw: string): { value: unknown } | { error: string } {
  switch (leaf.kind) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? { value: n } : { error: 'must be a number' };
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return { value: true };
      if (/^(false|0|no)$/i.test(raw)) return { value: false };
      return { error: 'must be true or false' };
    case 'json':
      try {
        return { value: JSON.parse(raw) };
      } catch {
        return { error: 'must be JSON (this key holds a list or an object)' };
      }
    default:
      return { value: raw };
  }
}

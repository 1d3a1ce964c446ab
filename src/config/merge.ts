// Deep merge for layering config sources. Arrays are replaced, not concatenated: a user who
// lists topics means exactly those topics.

export type Plain = Record<string, unknown>;

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const existing = out[key];
    out[key] = isPlain(existing) && isPlain(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

export function setPath(target: Plain, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    if (!isPlain(node[key])) node[key] = {};
    node = node[key] as Plain;
  });
}

export function getPath(source: unknown, path: readonly string[]): unknown {
  let node = source;
  for (const key of path) {
    if (!isPlain(node)) return undefined;
    node = node[key];
  }
  return node;
}

// Input hashes decide skipping, so they must ignore key order and undefined fields but notice
// every real change, including inside arrays.
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashInputs } from '../../src/engine/hash.js';

describe('hashInputs', () => {
  it('ignores key order at every depth and undefined fields', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' }, u: undefined };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(hashInputs(a)).toBe(hashInputs(b));
    expect(hashInputs(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a value, an array order or a type changes', () => {
    const base = hashInputs({ topics: ['a', 'b'], n: 1 });
    expect(hashInputs({ topics: ['b', 'a'], n: 1 })).not.toBe(base);
    expect(hashInputs({ topics: ['a', 'b'], n: 2 })).not.toBe(base);
    expect(hashInputs({ topics: ['a', 'b'], n: '1' })).not.toBe(base);
    expect(hashInputs({ topics: ['a', 'b'], n: 1, extra: null })).not.toBe(base);
  });
});

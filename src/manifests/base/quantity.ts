// Kubernetes resource quantities as numbers, for the quota budget check. Only the suffixes the
// config schema accepts are handled (m for CPU; Ki/Mi/Gi/Ti and k/M/G/T for memory).

/** CPU quantity in millicores: "250m" → 250, "1.5" → 1500. */
export function milliCpu(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Memory quantity in bytes: "256Mi" → 268435456. */
export function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]i|[kMGT])?$/.exec(q);
  if (!m) return Number.NaN;
  const unit = m[2];
  const factor = unit ? (BINARY[unit] ?? DECIMAL[unit] ?? Number.NaN) : 1;
  return Number(m[1]) * factor;
}

export function formatMilli(m: number): string {
  return `${m}m`;
}

export function formatMi(b: number): string {
  return `${Math.ceil(b / 2 ** 20)}Mi`;
}

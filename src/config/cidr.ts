// IPv4 CIDR arithmetic for config validation: the VCN and subnet ranges are checked before
// anything reaches terraform, where a typo would surface minutes later as a cloud API error.

export interface Cidr {
  text: string;
  base: number; // network address as an unsigned 32-bit integer
  prefix: number;
  size: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16"; returns a reason string when it is not a valid network CIDR. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR.exec(text.trim());
  if (!m) return 'is not an IPv4 CIDR like 10.0.0.0/16';
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return 'has an octet above 255';
  const prefix = Number(m[5]);
  if (prefix < 8 || prefix > 30) return 'needs a prefix length between /8 and /30';
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = addr - (addr % size);
  if (base !== addr) return `has host bits set; the network address is ${formatIp(base)}/${prefix}`;
  return { text, base, prefix, size };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

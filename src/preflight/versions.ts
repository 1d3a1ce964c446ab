// Version parsing for tool probes; each tool prints its version its own way.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** The first x.y[.z] in the text, with an optional leading v. */
export function parseVersion(text: string): Version | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: m[0] };
}

export function atLeast(v: Version, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

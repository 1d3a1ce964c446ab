// Secret values are registered here the moment they are read (prompt, env, file, API). Every
// line the logger writes — terminal, debug log, JSON events — and every journal entry passes
// through redact(), so a secret cannot leak by being interpolated into a message or a tool's
// output. Values shorter than 4 characters are not registered: masking them would garble
// ordinary text while protecting nothing.

const secrets = new Set<string>();
const MASK = '[redacted]';

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  // Tools often print a secret base64-encoded (docker config JSON, Kubernetes Secret data).
  secrets.add(Buffer.from(value, 'utf8').toString('base64'));
}

export function redact(text: string): string {
  if (secrets.size === 0 || text.length === 0) return text;
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** Deep-redacts strings inside a JSON-like value (for journal entries and JSON events). */
export function redactValue<T>(value: T): T {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}

/** For tests: forget every registered secret. */
export function clearSecretsForTests(): void {
  secrets.clear();
}

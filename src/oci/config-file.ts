// Reads the OCI CLI/SDK configuration file (~/.oci/config): an INI file of profiles holding
// the API-key credentials. We parse it ourselves instead of letting the SDK do it so every
// problem (missing file, unknown profile, missing field) becomes an error that names the file,
// the profile and the fix — the SDK only throws a generic message deep inside a client call.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ExitCode, TodoInfraError } from '../core/errors.js';

export type Profile = Readonly<Record<string, string>>;

export interface ParsedConfigFile {
  path: string;
  /** Profile name → its keys, with DEFAULT's keys already filled in (the CLI does the same). */
  profiles: Map<string, Profile>;
  /** File mode bits (permissions), for the checks that depend on them. */
  mode: number;
}

/** `~` and `~/…` expand to the home directory; relative paths resolve against `base`. */
export function expandPath(path: string, base = process.cwd()): string {
  let out = path;
  if (out === '~') out = homedir();
  else if (out.startsWith('~/')) out = resolve(homedir(), out.slice(2));
  return isAbsolute(out) ? out : resolve(base, out);
}

export function userError(code: string, message: string, hint: string, details?: string[]) {
  return new TodoInfraError(code, message, {
    hint,
    source: 'user',
    exitCode: ExitCode.usage,
    details,
  });
}

export function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      const name = header[1].trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) continue;
    current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return sections;
}

export function readConfigFile(configFile: string): ParsedConfigFile {
  const path = expandPath(configFile);
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TodoInfraError(
      missing ? 'OCI_CONFIG_MISSING' : 'OCI_CONFIG_UNREADABLE',
      missing ? `OCI config file ${path} does not exist` : `cannot read OCI config file ${path}`,
      {
        hint: missing
          ? 'Create it with `oci setup config` (or in the console: Profile → API keys → ' +
            'Add API key → copy the configuration preview), or point oci.configFile (the ' +
            'token command: --oci-config-file) at it.'
          : 'Check the file permissions, or point oci.configFile at a readable file.',
        source: 'user',
        exitCode: ExitCode.usage,
        cause,
      },
    );
  }
  const sections = parseIni(text);
  const defaults = sections.get('DEFAULT') ?? {};
  const profiles = new Map<string, Profile>();
  for (const [name, keys] of sections) {
    profiles.set(name, name === 'DEFAULT' ? { ...keys } : { ...defaults, ...keys });
  }
  return { path, profiles, mode };
}

export function selectProfile(file: ParsedConfigFile, name: string): Profile {
  const profile = file.profiles.get(name);
  if (profile) return profile;
  const known = [...file.profiles.keys()];
  throw userError(
    'OCI_PROFILE_MISSING',
    `profile [${name}] is not in ${file.path}`,
    known.length > 0
      ? `Set oci.profile to one of: ${known.join(', ')} — or add a [${name}] section.`
      : `The file has no profiles; add a [${name}] section (oci setup config writes one).`,
  );
}

/** A field the profile must have; the error says which profile lacks it. */
export function requireField(
  file: ParsedConfigFile,
  profileName: string,
  profile: Profile,
  field: string,
  what: string,
): string {
  const value = profile[field];
  if (value && value.length > 0) return value;
  throw userError(
    'OCI_PROFILE_INCOMPLETE',
    `profile [${profileName}] in ${file.path} has no ${field} (${what})`,
    `Add \`${field}=…\` to [${profileName}]; the console's "Add API key" dialog shows the value.`,
  );
}

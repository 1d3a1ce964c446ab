// Reads secret values from their configured source — a file, an environment variable, or (only
// when interactive) a masked prompt — and registers each value for redaction the moment it is
// read. Values are returned to the caller and never stored by this module.
import { readFileSync, statSync } from 'node:fs';
import { TodoInfraError, ExitCode } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { promptInterruption } from './interrupt.js';
import { expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { SecretName } from './phase.js';

const describe: Record<SecretName, string> = {
  dbConnectionString: 'the PostgreSQL connection string for the db-credentials secret',
  registryToken: 'the OCIR auth token for the image pull secret',
};

export interface SecretReader {
  read(name: SecretName): Promise<string>;
}

export function secretReader(config: Config, interactive: boolean): SecretReader {
  const cache = new Map<SecretName, string>();
  return {
    async read(name) {
      const cached = cache.get(name);
      if (cached !== undefined) return cached;
      const value = await readSecret(config, name, interactive);
      registerSecret(value);
      cache.set(name, value);
      return value;
    },
  };
}

async function readSecret(config: Config, name: SecretName, interactive: boolean): Promise<string> {
  const source = config.secrets[name];
  if (source.fromFile) {
    const path = expandHome(source.fromFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new TodoInfraError('SECRET_FILE', `cannot read secrets.${name}.fromFile (${path})`, {
        cause,
        source: 'user',
        exitCode: ExitCode.usage,
        hint:
          `Create the file with ${describe[name]}, ` +
          `or point secrets.${name}.fromFile elsewhere.`,
      });
    }
    if ((statSync(path).mode & 0o077) !== 0) {
      // Same stance as ssh and the OCI CLI: readable by others means already leaked.
      throw new TodoInfraError('SECRET_FILE_MODE', `${path} is readable by other users`, {
        source: 'user',
        exitCode: ExitCode.usage,
        hint: `Run \`chmod 600 ${path}\` and retry.`,
      });
    }
    const value = text.replace(/\r?\n$/, '');
    if (value.length > 0) return value;
  }
  const envName = source.fromEnv;
  const fromEnv = envName ? process.env[envName] : undefined;
  if (fromEnv) return fromEnv;
  if (interactive) {
    const { password } = await import('@inquirer/prompts');
    const answer = await password({ message: `Enter ${describe[name]}:`, mask: '*' }).catch(
      (err: unknown) => {
        throw promptInterruption(err) ?? err;
      },
    );
    if (answer.length > 0) return answer;
  }
  throw new TodoInfraError('SECRET_MISSING', `no value for ${describe[name]}`, {
    source: 'user',
    exitCode: ExitCode.usage,
    hint:
      `Set ${envName ?? `secrets.${name}.fromEnv`} in the environment, or set ` +
      `secrets.${name}.fromFile in todo-infra.yaml to a file (mode 600) holding it.`,
  });
}

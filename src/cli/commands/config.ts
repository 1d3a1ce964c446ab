// `todo-infra config schema` prints the JSON Schema of todo-infra.yaml (editors can validate
// with it); `config init` asks a few questions and writes a starting todo-infra.yaml.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { usageError } from '../../core/errors.js';
import { configShape } from '../../config/schema.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load.js';
import type { Globals } from '../global.js';
import { askInitAnswers } from '../prompts/init.js';

export function configJsonSchema(): Record<string, unknown> {
  // io: 'input' — what a user may write: fields with defaults are optional.
  const schema = z.toJSONSchema(configShape, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://todo-infra.dev/schema/todo-infra.v1.json',
    title: 'todo-infra configuration (todo-infra.yaml)',
  };
}

export function runConfigSchema(): number {
  process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return 0;
}

export async function runConfigInit(
  globals: Globals,
  options: { force?: boolean; file?: string },
): Promise<number> {
  const file = resolve(options.file ?? globals.configFile ?? DEFAULT_CONFIG_FILE);
  if (existsSync(file) && !options.force) {
    throw usageError(
      'CONFIG_EXISTS',
      `${file} already exists`,
      'Pass --force to overwrite it, or edit it directly.',
    );
  }
  if (!globals.interactive) {
    throw usageError(
      'NOT_INTERACTIVE',
      'config init asks questions and needs a terminal',
      'Run it in a terminal, or write todo-infra.yaml by hand ' +
        '(`todo-infra config schema` lists every key).',
    );
  }
  const answers = await askInitAnswers();
  const { stringify } = await import('yaml');
  const text =
    '# todo-infra configuration; `todo-infra config schema` documents every key.\n' +
    stringify(answers, { lineWidth: 100 });
  // Validate exactly what will be written, through the same loader `up` uses.
  loadConfig({ skipFile: true, env: {}, flags: flatten(answers) });
  // --file may name a directory that does not exist yet (like render --out): create it rather
  // than fail after every question was answered.
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o644 });
  process.stderr.write(
    `Wrote ${file}. Next: \`todo-infra check\`, then \`todo-infra up --dry-run\`.\n`,
  );
  return 0;
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

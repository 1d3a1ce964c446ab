#!/usr/bin/env node
// Entry point. Written in plain JavaScript that any Node version can parse, so that on an older
// Node (the machines this is developed on ship Node 20) it can say what to do — or hand over to
// the Node 22 that `scripts/ensure-node.sh` provisioned in .tools/node — instead of crashing on
// syntax or an engine check deep inside a dependency.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 13);

if (!supported) {
  const provisioned = join(root, '.tools', 'node', 'node_modules', 'node', 'bin', 'node');
  if (existsSync(provisioned) && process.env.TODO_INFRA_REEXEC !== '1') {
    const result = spawnSync(
      provisioned,
      [fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, TODO_INFRA_REEXEC: '1' },
      },
    );
    process.exit(result.status ?? (result.signal === 'SIGINT' ? 130 : 1));
  }
  process.stderr.write(
    `todo-infra needs Node.js 22.13 or newer; this is ${process.version}.\n` +
      'Fix: install Node 22 (https://nodejs.org), or run `bash scripts/ensure-node.sh` in the ' +
      'todo-infra checkout to provision one from the npm registry.\n',
  );
  process.exit(2);
}

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('todo-infra is not built: run `npm run build` in the checkout.\n');
  process.exit(1);
}
// A reader that stops early (`todo-infra -o json up --dry-run | head -1`) closes the pipe; that
// is the reader's choice, not a failure worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import('../dist/cli/main.js');
const code = await main(process.argv);
process.exitCode = code;
if (code === 130) {
  // Interrupted: the journal is written and the lock released (both synchronously). What can
  // still hold the event loop is a connection abandoned mid-handshake, which undici keeps until
  // its own 10 s connect timeout. The user asked to stop, so once the output is flushed, stop.
  const flushed = (stream) => new Promise((done) => stream.write('', done));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

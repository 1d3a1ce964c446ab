#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). It provisions everything the tests
# need on a clean clone, in order, reusing whatever is already cached:
#   1. Node >= 22.13 (the machine's, or node@22 from the npm registry into .tools/node)
#   2. npm dependencies (npm ci when node_modules is missing or older than the lock file)
#   3. shellcheck (actionlint runs it on every workflow `run:` script)
#   4. the Go-built test tools: etcd, kube-apiserver & co, kwok, helm, actionlint
#      (cold build ~15 min on 2 cores; cached in ~/.cache/todo-infra/tools afterwards)
#   5. the TypeScript build and the prettier check, then every vitest suite (the cluster suite starts a real local
#      control plane once and stops it at the end)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n== %s\n' "$*" >&2; }

step "node"
node_dir="$(bash scripts/ensure-node.sh)"
export PATH="$node_dir:$PATH"
node --version >&2

step "npm dependencies"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund >&2
else
  echo "node_modules is up to date" >&2
fi

step "shellcheck"
if ! command -v shellcheck >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck) >&2
  else
    echo "shellcheck is missing: install it (Debian/Ubuntu: apt-get install shellcheck)" >&2
    exit 1
  fi
fi
shellcheck --version | sed -n 2p >&2

step "Go-built test tools"
node test/tools/build.ts >&2
node test/tools/actionlint.ts >&2

step "typescript build"
npx tsc -p tsconfig.json

step "formatting"
# Fails on any file prettier would change; `npm run format` fixes them.
npx prettier --check --log-level warn src test scripts bin vitest.config.ts

step "tests"
# Besides vitest's own report, a JSON report gives the plain "N passed, N failed" closing line
# that CI systems read regardless of the test runner.
report="$(mktemp -t todo-infra-vitest.XXXXXX.json)"
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$report" || true
exit "$status"

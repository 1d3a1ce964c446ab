#!/usr/bin/env bash
# Prints the directory of a Node.js >= 22.13 binary, provisioning one when the machine's is older.
#
# Why: the project's libraries (commander 15, execa 10, listr2 11, vitest 5) need Node 22, and
# the machines this project is built on ship Node 20. The npm registry's `node` package carries
# an official Node build as a regular registry package, so it installs where nothing but package
# registries is reachable. It lands in .tools/node (ignored by git) and is reused afterwards.
#
# Usage: export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_major=22
want_minor=13
pinned="22.23.3"   # the provisioned version; bump deliberately, with package.json engines in mind

version_ok() {
  local v="${1#v}" major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] || return 1
  (( major > want_major || (major == want_major && minor >= want_minor) ))
}

if command -v node >/dev/null 2>&1 && version_ok "$(node --version)"; then
  dirname "$(command -v node)"
  exit 0
fi

dir="$root/.tools/node"
bin="$dir/node_modules/node/bin"
if [[ -x "$bin/node" ]] && version_ok "$("$bin/node" --version)"; then
  echo "$bin"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "ensure-node: Node.js >= $want_major.$want_minor is required and npm is not available to" \
       "provision it. Install Node.js $want_major (https://nodejs.org) and retry." >&2
  exit 1
fi
echo "ensure-node: machine Node is $(node --version 2>/dev/null || echo missing);" \
     "installing node@$pinned from the npm registry into .tools/node" >&2
mkdir -p "$dir"
npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "node@$pinned" >&2
if ! [[ -x "$bin/node" ]] || ! version_ok "$("$bin/node" --version)"; then
  echo "ensure-node: node@$pinned installed but $bin/node does not run; see the npm output above" >&2
  exit 1
fi
echo "$bin"

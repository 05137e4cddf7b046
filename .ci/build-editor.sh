#!/usr/bin/env bash
# Bundles the rich Markdown editor (editor/src: Tiptap 3 from npm) into one ES module,
# public/editor/note-editor.js, served as a static asset: nothing is fetched at run time.
# Does nothing (quickly) when the bundle is newer than editor/src and the lockfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=public/editor/note-editor.js
say() { printf '[editor] %s\n' "$*"; }

# The same stamp as npm_install_in in setup-tools.sh: npm ci again only when the lockfile changed.
stamp=editor/node_modules/.syei-installed
if [ ! -f "$stamp" ] || [ editor/package-lock.json -nt "$stamp" ]; then
  say "npm ci in editor"
  (cd editor && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi

if [ -f "$out" ] && [ -z "$(find editor/src editor/package-lock.json -newer "$out" -print -quit)" ]; then
  say "$out is up to date"
  exit 0
fi

say "bundling $out"
version=$(node -p 'require("./editor/node_modules/@tiptap/core/package.json").version')
mkdir -p "$(dirname "$out")"
# Written beside, then renamed: a running server never serves half a file.
trap 'rm -f "$out.tmp"' EXIT
editor/node_modules/.bin/esbuild editor/src/note-editor.js \
  --bundle --minify --format=esm --target=es2020 \
  --loader:.css=text --define:TIPTAP_VERSION="\"$version\"" \
  --log-level=warning --outfile="$out.tmp"
mv "$out.tmp" "$out"
say "$out: $(( $(wc -c <"$out") / 1024 )) KiB, $(( $(gzip -9c "$out" | wc -c) / 1024 )) KiB gzip (Tiptap $version)"

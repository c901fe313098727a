#!/usr/bin/env bash
# Vendor the pinned front-end packages into src/tvaers/web/static/vendor/.
#
# The web app must work with no network at run time, so the distribution files of
# DKFDS, htmx, Vega, Vega-Lite, vega-embed and axe-core are copied into the Python
# package and committed. Versions are pinned exactly in web-assets/package.json and
# locked in web-assets/package-lock.json; this script installs exactly that lock
# (`npm ci`) and copies only what a page needs:
#
#   * DKFDS: the neutral default theme `dkfds.min.css` (not the virk.dk/borger.dk
#     themes), `dkfds.min.js`, the SVG icon sprite and icons, and exactly the font
#     and image files that the CSS references with url(...), in the same relative
#     layout (css/ -> ../fonts, ../img), so every reference resolves.
#   * htmx 2.x, vega, vega-lite, vega-embed: the minified UMD builds.
#   * axe-core: axe.min.js (used by the browser tests; harmless to ship).
#   * each package's licence file next to its files.
#
# Source maps are not copied. Files are copied byte for byte (so their trailing
# `sourceMappingURL` comments remain; browsers only fetch maps when DevTools is open).
#
# Usage: bash web-assets/vendor.sh        (from anywhere)
# Needs: node + npm with access to the npm registry (only when refreshing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
nm="$here/node_modules"
out="$repo/src/tvaers/web/static/vendor"

echo "==> npm ci in $here"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

version_of() { node -p "require('$nm/$1/package.json').version"; }
license_of() { node -p "require('$nm/$1/package.json').license"; }

echo "==> cleaning $out"
rm -rf "$out"
mkdir -p "$out"

copy() { # copy SRC DEST (DEST is a file path); creates parent folders
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
}

# --- DKFDS -------------------------------------------------------------------
dk_src="$nm/dkfds/dist"
dk_out="$out/dkfds"
copy "$dk_src/css/dkfds.min.css" "$dk_out/css/dkfds.min.css"
copy "$dk_src/js/dkfds.min.js" "$dk_out/js/dkfds.min.js"
copy "$nm/dkfds/LICENSE.md" "$dk_out/LICENSE.md"
# IBM Plex Sans is under the SIL Open Font License; keep its licence with the fonts.
copy "$dk_src/fonts/IBMPlexSans/complete/woff2/license.txt" "$dk_out/fonts/IBMPlexSans/LICENSE-OFL.txt"
# Icon sprite for <svg><use href=".../all-svg-icons.svg#name"></use></svg> and the
# single icons (some are referenced by the CSS, all are handy as <img>).
copy "$dk_src/img/all-svg-icons.svg" "$dk_out/img/all-svg-icons.svg"
mkdir -p "$dk_out/img/svg-icons"
cp "$dk_src"/img/svg-icons/*.svg "$dk_out/img/svg-icons/"

# Every url(...) in the CSS, relative to css/: copy it in the same layout.
refs="$(grep -o 'url([^)]*)' "$dk_out/css/dkfds.min.css" \
  | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']$//" \
  | grep -v '^data:' | sed -e 's/[?#].*$//' | sort -u)"
n_refs=0
while IFS= read -r ref; do
  [ -z "$ref" ] && continue
  case "$ref" in
    ../*) rel="${ref#../}" ;;
    *) echo "unexpected url() in dkfds.min.css: $ref" >&2; exit 1 ;;
  esac
  [ -f "$dk_src/$rel" ] || { echo "dkfds.min.css references missing $rel" >&2; exit 1; }
  copy "$dk_src/$rel" "$dk_out/$rel"
  n_refs=$((n_refs + 1))
done <<< "$refs"
echo "    dkfds: $n_refs url() references copied"

# --- htmx, vega, vega-lite, vega-embed, axe ----------------------------------
copy "$nm/htmx.org/dist/htmx.min.js" "$out/htmx/htmx.min.js"
copy "$nm/htmx.org/LICENSE" "$out/htmx/LICENSE"
copy "$nm/vega/build/vega.min.js" "$out/vega/vega.min.js"
copy "$nm/vega/LICENSE" "$out/vega/LICENSE"
copy "$nm/vega-lite/build/vega-lite.min.js" "$out/vega-lite/vega-lite.min.js"
copy "$nm/vega-lite/LICENSE" "$out/vega-lite/LICENSE"
copy "$nm/vega-embed/build/vega-embed.min.js" "$out/vega-embed/vega-embed.min.js"
copy "$nm/vega-embed/LICENSE" "$out/vega-embed/LICENSE"
# CSP without 'unsafe-eval': Vega expressions are interpreted, not compiled
# (an ES module importing vega-util; the UMD vega bundle carries vega-util, so it becomes a
# classic script that reads vega-util from window.vega and sets vega.expressionInterpreter)
mkdir -p "$out/vega-interpreter"
{
  echo "/* vega-interpreter, wrapped as a classic script by web-assets/vendor.sh */"
  echo "(function (vega) {"
  sed -e "s#^import { \(.*\) } from 'vega-util';#const { \1 } = vega;#" \
      -e "s#^export { expression as expressionInterpreter };#vega.expressionInterpreter = expression;#" \
      -e "/^\/\/# sourceMappingURL/d" \
      "$nm/vega-interpreter/build/vega-interpreter.js"
  echo "})(window.vega);"
} > "$out/vega-interpreter/vega-interpreter.js"
grep -q "vega.expressionInterpreter = expression" "$out/vega-interpreter/vega-interpreter.js" \
  || { echo "vega-interpreter: could not wrap the module" >&2; exit 1; }
copy "$nm/vega-interpreter/LICENSE" "$out/vega-interpreter/LICENSE"
copy "$nm/axe-core/axe.min.js" "$out/axe/axe.min.js"
copy "$nm/axe-core/LICENSE" "$out/axe/LICENSE"
copy "$nm/axe-core/LICENSE-3RD-PARTY.txt" "$out/axe/LICENSE-3RD-PARTY.txt"

# --- check: every url() in the vendored CSS resolves --------------------------
missing=0
while IFS= read -r ref; do
  [ -z "$ref" ] && continue
  [ -f "$dk_out/css/$ref" ] || { echo "MISSING: $ref" >&2; missing=1; }
done <<< "$refs"
[ "$missing" -eq 0 ] || exit 1

# --- README with file list, package and version ------------------------------
v_dkfds="$(version_of dkfds)"; v_htmx="$(version_of htmx.org)"
v_vega="$(version_of vega)"; v_vl="$(version_of vega-lite)"
v_embed="$(version_of vega-embed)"; v_axe="$(version_of axe-core)"
v_interp="$(version_of vega-interpreter)"

pkg_of() { # map a vendored path to "package version"
  case "$1" in
    dkfds/*) echo "dkfds $v_dkfds" ;;
    htmx/*) echo "htmx.org $v_htmx" ;;
    vega/*) echo "vega $v_vega" ;;
    vega-lite/*) echo "vega-lite $v_vl" ;;
    vega-embed/*) echo "vega-embed $v_embed" ;;
    vega-interpreter/*) echo "vega-interpreter $v_interp" ;;
    axe/*) echo "axe-core $v_axe" ;;
  esac
}

{
  cat <<EOF
# Vendored front-end assets

Generated by \`bash web-assets/vendor.sh\`; do not edit files here by hand.
The app serves these files itself, so pages work with no network at run time.

| package | version | licence | files |
|---|---|---|---|
| dkfds (Det Fælles Designsystem) | $v_dkfds | $(license_of dkfds): code MIT, IBM Plex Sans fonts OFL-1.1, icons Apache-2.0 (\`dkfds/LICENSE.md\`) | \`dkfds/\` |
| htmx.org | $v_htmx | $(license_of htmx.org) (\`htmx/LICENSE\`) | \`htmx/\` |
| vega | $v_vega | $(license_of vega) (\`vega/LICENSE\`) | \`vega/\` |
| vega-lite | $v_vl | $(license_of vega-lite) (\`vega-lite/LICENSE\`) | \`vega-lite/\` |
| vega-embed | $v_embed | $(license_of vega-embed) (\`vega-embed/LICENSE\`) | \`vega-embed/\` |
| vega-interpreter | $v_interp | $(license_of vega-interpreter) (\`vega-interpreter/LICENSE\`) | \`vega-interpreter/\` (lets charts run under a CSP without 'unsafe-eval') |
| axe-core | $v_axe | $(license_of axe-core) (\`axe/LICENSE\`) | \`axe/\` (browser tests only) |

DKFDS theme: \`dkfds/css/dkfds.min.css\` is the neutral default theme (placeholder logo,
no virk.dk or borger.dk branding). Its \`url(...)\` references (\`../fonts/...\`,
\`../img/...\`) resolve inside \`dkfds/\`; only the font files the CSS references are
kept (woff2 + woff for every weight, plus the eot/ttf fallbacks it lists for Regular).
Icons: use the sprite \`dkfds/img/all-svg-icons.svg#<name>\` or the single files in
\`dkfds/img/svg-icons/\`.

## Using them in a page

\`\`\`html
<head>
  <link rel="stylesheet" href="/static/vendor/dkfds/css/dkfds.min.css">
  <script src="/static/vendor/htmx/htmx.min.js"></script>
</head>
<body>
  ...
  <!-- end of <body>; chart scripts come after these three -->
  <script src="/static/vendor/vega/vega.min.js"></script>
  <script src="/static/vendor/vega-lite/vega-lite.min.js"></script>
  <script src="/static/vendor/vega-embed/vega-embed.min.js"></script>
  <script src="/static/vendor/dkfds/js/dkfds.min.js"></script>
  <script>DKFDS.init();</script>
</body>
\`\`\`

Order matters for the charts: vega, then vega-lite, then vega-embed (UMD globals
\`vega\`, \`vegaLite\`, \`vegaEmbed\`). \`DKFDS.init()\` wires accordions, navigation,
tables etc.; for content swapped in by htmx, \`DKFDS.init({scope: element})\` (note that
it re-initialises the global navigation each time). axe is injected by the browser
tests (\`/static/vendor/axe/axe.min.js\`), not linked from pages.

## Refreshing

1. Change the exact versions in \`web-assets/package.json\`.
2. \`cd web-assets && npm install\` (updates \`package-lock.json\`).
3. \`bash web-assets/vendor.sh\` (runs \`npm ci\`, recopies this folder, rewrites this README).
4. Check the pages and browser tests; commit \`web-assets/package*.json\` and this folder.
   \`web-assets/node_modules/\` is never committed.

## Files

| file | package | bytes |
|---|---|---|
EOF
  (cd "$out" && find . -type f ! -name README.md | sed 's|^\./||' | LC_ALL=C sort) \
  | while IFS= read -r f; do
      printf '| `%s` | %s | %s |\n' "$f" "$(pkg_of "$f")" "$(stat -c %s "$out/$f")"
    done
  echo
  printf 'Total: %s files, %s bytes.\n' \
    "$(find "$out" -type f ! -name README.md | wc -l)" \
    "$(find "$out" -type f ! -name README.md -printf '%s\n' | awk '{s+=$1} END {print s}')"
} > "$out/README.md"

echo "==> vendored into $out"
du -sh "$out"

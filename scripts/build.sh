#!/usr/bin/env bash
# Builds the deployable output into dist/ (Trunk, offline, release, wasm-opt -Oz):
#   dist/shared/        the one wasm module of all our gadgets (finesse-gadgets.js and _bg.wasm,
#                       theme.css): upload it next to the gadget folders, to
#                       /3rdpartygadget/files/shared/; every gadget XML loads it from ../shared/,
#                       so a desktop with several gadgets fetches and compiles it once
#   dist/<gadget>/      per gadget, a folder ready to upload to Finesse's
#                       /3rdpartygadget/files/<gadget>/: the gadget XML, its style.css, and
#                       index.html to run the gadget standalone (it loads ../shared/ too)
#   dist/layout-snippet.xml  the <gadget> entries to paste into a Finesse layout
#   dist/desktop/       our desktop (container), its hub runtime and layouts
# A gadget folder with its own index.html is still built as its own module (a gadget not yet
# moved into the shared one).
# Expects the tools from scripts/setup.sh on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

snippet="dist/layout-snippet.xml"
mkdir -p dist
{
  echo '<!-- Paste into the <gadgets> of a tab (or the <page>) of the Finesse layout'
  echo '     (Administration Console, Desktop Layout) after uploading each folder (and shared/)'
  echo '     to /3rdpartygadget/files/ on the Finesse server. -->'
} > "$snippet"

echo "[build] shared module" >&2
trunk --log error build --release true --filehash false --public-url ./ --dist dist/shared gadgets/shared/index.html

for dir in gadgets/*/; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  spec="$dir/$name.xml"
  [ -f "$spec" ] || continue
  echo "[build] $name" >&2
  node scripts/check-gadget-xml.mjs "$spec"
  if [ -f "$dir/index.html" ]; then
    trunk --log error build --release true --filehash false --public-url ./ --dist "dist/$name" "$dir/index.html"
  else
    rm -rf "dist/$name"
    mkdir -p "dist/$name"
    [ -f "$dir/style.css" ] && cp "$dir/style.css" "dist/$name/"
    title="$(sed -n 's/.*<ModulePrefs title="\([^"]*\)".*/\1/p' "$spec" | head -n1)"
    # The standalone page: the gadget without a container (it offers its own sign-in).
    cat > "dist/$name/index.html" <<HTML
<!DOCTYPE html>
<html lang="en" data-gadget="$name">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>$title</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="../shared/theme.css" />
    <link rel="stylesheet" href="style.css" />
    <script type="module">
      import init from '../shared/finesse-gadgets.js';
      init({ module_or_path: '../shared/finesse-gadgets_bg.wasm' });
    </script>
  </head>
  <body></body>
</html>
HTML
  fi
  cp "$spec" "dist/$name/$name.xml"
  echo "<gadget>/3rdpartygadget/files/$name/$name.xml</gadget>" >> "$snippet"
done

# Size budget of the set of gadgets (the shared module, every gadget's own files and any gadget
# still built as its own module; wasm + JS + CSS, gzip -9). Issue 6 asks for 120 KB and the
# product goal is under 80 KB; the set measures more (see ARCHITECTURE.md "Size"), so this
# budget is a ratchet: it fails the build when the set grows past today's size plus a little, and
# comes down as the size work lands (372,761 bytes before the model's own XML encoder, the
# float formatter's removal and the hub's VecMaps; 353,174 after).
budget=356500
gz() { gzip -9c "$1" | wc -c; }
total=0
for f in dist/*/*.wasm dist/*/*.js dist/*/*.css; do
  [ -f "$f" ] || continue
  case "$f" in
    dist/desktop/*) continue ;;
    *) total=$((total + $(gz "$f"))) ;;
  esac
done
echo "[build] the set of gadgets: $total bytes gzip (budget $budget)" >&2
if [ "$total" -gt "$budget" ]; then
  echo "[build] over the size budget" >&2
  exit 1
fi

if [ -f www/index.html ]; then
  echo "[build] desktop" >&2
  trunk --log error build --release true --public-url ./ --dist dist/desktop www/index.html
  desktop=0
  for f in dist/desktop/*.wasm dist/desktop/*.js dist/desktop/runtime/*.js dist/desktop/*.css; do
    [ -f "$f" ] || continue
    desktop=$((desktop + $(gzip -9c "$f" | wc -c)))
  done
  echo "[build] desktop: $desktop bytes gzip" >&2
fi

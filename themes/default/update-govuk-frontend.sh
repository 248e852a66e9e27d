#!/usr/bin/env bash
# Vendor the compiled GOV.UK Frontend stylesheet into themes/default/vendor/govuk-frontend/.
#
# Usage: themes/default/update-govuk-frontend.sh [VERSION]
#
# VERSION defaults to the pinned version below. To move to a new release, run
# `npm view govuk-frontend version` (or `npm view 'govuk-frontend@5' version`),
# pass it as VERSION, review the diff, then change DEFAULT_VERSION here.
#
# What it writes (and nothing else):
#   vendor/govuk-frontend/govuk-frontend.min.css  dist/govuk/govuk-frontend.min.css, post-processed (below)
#   vendor/govuk-frontend/LICENCE                 the package's licence (MIT)
#   vendor/govuk-frontend/VERSION                 the version, one line
#
# Post-processing of the CSS. prem is not a GOV.UK service: it uses a system font
# stack (set in the theme's own CSS, which overrides govuk-frontend's font-family)
# and no GOV.UK crown or crest, and it does not ship govuk-frontend's assets/
# folder. The compiled CSS references those assets by absolute URL:
#   - two @font-face rules for "GDS Transport" -> /assets/fonts/*.woff2, *.woff
#   - .govuk-footer__copyright-logo:before     -> /assets/images/govuk-crest.svg
# Every such URL would be a 404 on our site (and a failed request in the browser
# suite), so this script removes every @font-face rule and every rule whose
# declarations reference url(/assets/...), then drops @supports blocks left empty,
# and the sourceMappingURL comment (the .map file is not vendored either).
# It then fails if any url(...) other than a data: URI remains, so a future
# release that adds a new asset reference is caught here rather than in production.
#
# Needs: npm, node, tar. Network: the npm registry only.
set -euo pipefail

DEFAULT_VERSION="5.14.0"
VERSION="${1:-$DEFAULT_VERSION}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/vendor/govuk-frontend"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "update-govuk-frontend: fetching govuk-frontend@$VERSION"
(cd "$tmp" && npm pack --silent "govuk-frontend@$VERSION" >/dev/null)
tarball="$(ls "$tmp"/govuk-frontend-*.tgz)"
tar -xzf "$tarball" -C "$tmp"
pkg="$tmp/package"

actual_version="$(node -p 'require(process.argv[1]).version' "$pkg/package.json")"
license="$(node -p 'require(process.argv[1]).license' "$pkg/package.json")"
if [ "$actual_version" != "$VERSION" ]; then
  echo "update-govuk-frontend: asked for $VERSION but npm gave $actual_version" >&2
  exit 1
fi
if [ "$license" != "MIT" ]; then
  echo "update-govuk-frontend: licence of govuk-frontend@$VERSION is '$license', not MIT: review before vendoring" >&2
  exit 1
fi

css_in="$pkg/dist/govuk/govuk-frontend.min.css"
if [ ! -f "$css_in" ]; then
  echo "update-govuk-frontend: $css_in not found in the package (layout changed?)" >&2
  exit 1
fi

mkdir -p "$dest"

node - "$css_in" "$dest/govuk-frontend.min.css" "$VERSION" <<'NODE'
const fs = require('fs');
const [input, output, version] = process.argv.slice(2);
let css = fs.readFileSync(input, 'utf8');
const before = css.length;

// 1. Every @font-face rule (GDS Transport, served from /assets/fonts/).
css = css.replace(/@font-face\s*\{[^{}]*\}/g, '');
// 2. Every plain rule whose declarations load something from /assets/
//    (the crest in .govuk-footer__copyright-logo:before, also inside @supports).
css = css.replace(/(^|[{}])([^{}@][^{}]*)\{[^{}]*url\(\s*["']?\/assets\/[^{}]*\}/g, '$1');
// 3. @supports / @media blocks left empty by step 2.
for (let i = 0; i < 3; i++) css = css.replace(/@(supports|media)[^{}]*\{\s*\}/g, '');
// 4. The source map is not vendored.
css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');

const urls = [...css.matchAll(/url\(\s*(["']?)([^)"']*)\1\s*\)/g)].map(m => m[2]);
const external = urls.filter(u => !u.startsWith('data:'));
if (external.length) {
  console.error('update-govuk-frontend: the CSS still references assets that would 404:');
  for (const u of external) console.error('  ' + u);
  process.exit(1);
}
if (/@font-face/.test(css)) {
  console.error('update-govuk-frontend: an @font-face rule survived');
  process.exit(1);
}

const note = `/*! govuk-frontend ${version}, MIT licence (see LICENCE). Vendored by themes/default/update-govuk-frontend.sh, which removed @font-face rules and rules loading /assets/ files. */`;
if (css.startsWith('@charset "UTF-8";')) {
  css = '@charset "UTF-8";' + note + css.slice('@charset "UTF-8";'.length);
} else {
  css = note + css;
}
if (!css.endsWith('\n')) css += '\n';
fs.writeFileSync(output, css);
console.log(`update-govuk-frontend: wrote ${output} (${Buffer.byteLength(css)} bytes; ${before - (css.length - note.length)} characters of asset rules removed)`);
NODE

# The npm package does not ship a licence file (only "license": "MIT" in
# package.json and a Licence section in its README). Copy one if a release
# ever includes it; otherwise write the MIT licence text of the govuk-frontend
# repository (LICENSE.txt there), whose copyright line is below.
licence_src=""
for f in LICENSE LICENSE.txt LICENSE.md LICENCE LICENCE.txt LICENCE.md; do
  if [ -f "$pkg/$f" ]; then licence_src="$pkg/$f"; break; fi
done
if [ -n "$licence_src" ]; then
  cp "$licence_src" "$dest/LICENCE"
else
  cat >"$dest/LICENCE" <<'EOF'
govuk-frontend (https://www.npmjs.com/package/govuk-frontend), the GOV.UK Design
System's frontend package, is released under the MIT License. The npm package
declares "license": "MIT" and carries no licence file; this is the licence text
of its source repository (alphagov/govuk-frontend, LICENSE.txt).

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

printf '%s\n' "$VERSION" >"$dest/VERSION"
echo "update-govuk-frontend: vendored govuk-frontend $VERSION into ${dest#"$PWD"/}"

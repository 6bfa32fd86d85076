#!/bin/sh
# Regenerates internal/render/grafana/testdata/grafana-dashboard.schema.json:
# Grafana's published dashboard type (@grafana/schema, the npm package
# Grafana's frontend is typed with) as a strict JSON Schema, for the test
# that validates every generated dashboard. Needs node and npm.
set -eu
version=${1:-13.2.3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@grafana/schema@$version" >/dev/null
tar xzf grafana-schema-"$version".tgz
npm install --no-save --silent typescript-json-schema@0.65.1 typescript@5.6.3
# --noExtraProps: additionalProperties false everywhere; --required: every
# non-optional field is required.
node_modules/.bin/typescript-json-schema --noExtraProps --required --strictNullChecks --ignoreErrors \
	package/dist/types/raw/dashboard/x/types.gen.d.ts Dashboard -o raw.json
node - "$version" raw.json "$root/internal/render/grafana/testdata/grafana-dashboard.schema.json" <<'JS'
const fs = require('fs');
const [version, src, dst] = process.argv.slice(2);
const strip = (x) => Array.isArray(x) ? x.map(strip)
  : (x && typeof x === 'object') ? Object.fromEntries(Object.entries(x)
      .filter(([k, v]) => !(k === 'description' && typeof v === 'string'))
      .map(([k, v]) => [k, strip(v)]))
  : x;
const s = strip(JSON.parse(fs.readFileSync(src, 'utf8')));
// --noExtraProps also closes Record<string, ...>, which are open maps:
// panel options and query targets belong to their plugins.
s.definitions['Record<string,unknown>'] = {type: 'object'};
s.definitions['Record<string,string>'] = {type: 'object', additionalProperties: {type: 'string'}};
s.$comment = `Grafana's dashboard model (the Dashboard type of @grafana/schema ${version}, dist/types/raw/dashboard/x/types.gen.d.ts) as JSON Schema: scripts/grafana-dashboard-schema.sh. Strict: additionalProperties false, every non-optional field required.`;
const sorted = (x) => Array.isArray(x) ? x.map(sorted)
  : (x && typeof x === 'object') ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sorted(x[k])])) : x;
fs.writeFileSync(dst, JSON.stringify(sorted(s), null, 1) + '\n');
JS

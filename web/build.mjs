// Bundles the UI with esbuild into an output directory (argv[2], default
// ./dist): index.html, assets/app.js, assets/app.css, the chunks loaded on
// demand (assets/chunk-*.js, e.g. the Dashboards page), and the Grafana
// dashboards of deploy/grafana/dashboards/ with their list
// (assets/dashboards/*.json, index.json). Prints each file's size raw and
// gzip'd, and fails when the gzip'd first visit (index.html, app.css, app.js
// and the chunks it imports statically) exceeds the 600 KB budget of issue 12.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const dashboardsDir = join(here, '..', 'deploy', 'grafana', 'dashboards');
const BUDGET = 600 * 1024;

// Chunk names carry a hash: old ones would pile up in the output.
rmSync(join(out, 'assets'), { recursive: true, force: true });
mkdirSync(join(out, 'assets', 'dashboards'), { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['es2020'],
  outdir: join(out, 'assets'),
  loader: { '.css': 'css' },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));

// The dashboards: copied as they are (each must parse) and listed.
const index = readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const text = readFileSync(join(dashboardsDir, f), 'utf8');
  const d = JSON.parse(text);
  writeFileSync(join(out, 'assets', 'dashboards', f), text);
  return { file: f, uid: d.uid, title: d.title, tags: d.tags || [] };
});
writeFileSync(join(out, 'assets', 'dashboards', 'index.json'), JSON.stringify(index));

// The first visit: the entry and what it imports statically, transitively.
const outputs = result.metafile.outputs;
const firstVisit = new Set(['index.html']);
const visit = (f) => {
  const rel = relative(out, resolve(f));
  if (firstVisit.has(rel)) return;
  firstVisit.add(rel);
  const o = outputs[f];
  if (o?.cssBundle) visit(o.cssBundle);
  for (const imp of o?.imports || []) if (imp.kind === 'import-statement') visit(imp.path);
};
visit(Object.keys(outputs).find((f) => outputs[f].entryPoint && f.endsWith('app.js')));

let total = 0;
for (const f of [...firstVisit, ...Object.keys(outputs).map((o) => relative(out, resolve(o))).filter((o) => !firstVisit.has(o) && !o.endsWith('.map'))]) {
  const raw = readFileSync(join(out, f));
  const gz = gzipSync(raw, { level: 9 }).length;
  const first = firstVisit.has(f);
  if (first) total += gz;
  console.log(`web: ${f.padEnd(24)} ${String(statSync(join(out, f)).size).padStart(8)} B, gzip ${String(gz).padStart(7)} B${first ? '' : ' (on demand)'}`);
}
console.log(`web: ${index.length} dashboards: ${index.map((d) => basename(d.file)).join(', ')}`);
console.log(`web: first visit, gzip'd: ${(total / 1024).toFixed(1)} KB (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error('web: the first-visit bundle is over budget');
  process.exit(1);
}

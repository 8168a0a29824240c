// Bundles the UI with esbuild into an output directory (argv[2], default
// ./dist): index.html, assets/app.js, assets/app.css. Prints each file's size
// raw and gzip'd, and fails when the gzip'd first-visit total exceeds the
// 600 KB budget of issue 12.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const BUDGET = 600 * 1024;

mkdirSync(join(out, 'assets'), { recursive: true });
await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: join(out, 'assets'),
  loader: { '.css': 'css' },
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));

let total = 0;
for (const f of ['index.html', 'assets/app.js', 'assets/app.css']) {
  const raw = readFileSync(join(out, f));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`web: ${f.padEnd(16)} ${String(statSync(join(out, f)).size).padStart(8)} B, gzip ${String(gz).padStart(7)} B`);
}
console.log(`web: first visit, gzip'd: ${(total / 1024).toFixed(1)} KB (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error('web: the first-visit bundle is over budget');
  process.exit(1);
}

// Runs the UI's unit tests (web/test/grafana/*.test.mjs: the Grafana JSON ->
// panel conversion; web/test/unit/*.test.mjs: the rest) with node's built-in
// test runner and closes with a count line, "web unit: N passed, N failed".
// Registered in ctest as web_unit.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = ['grafana', 'unit'].flatMap((d) => readdirSync(join(here, d))
  .filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(here, d, f)));
const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { encoding: 'utf8' });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
const count = (name) => parseInt((new RegExp(`^# ${name} (\\d+)$`, 'm').exec(r.stdout) || [])[1] ?? 'NaN', 10);
const passed = count('pass');
const failed = count('fail');
console.log(`web unit: ${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);

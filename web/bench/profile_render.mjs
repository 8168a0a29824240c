// Profiles one graph page load in chromium (CDP's sampling profiler) and
// prints the functions with the most self time, and the page's own
// load/render timing line. For cutting the UI's draw time (bench/run_ui_render.py).
//   node profile_render.mjs --url 'http://127.0.0.1:PORT/graph?g0.expr=...' [--top 25]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';

const { values: a } = parseArgs({
  options: { url: { type: 'string' }, top: { type: 'string', default: '25' }, chromium: { type: 'string', default: '/usr/bin/chromium' } },
});
const profile = mkdtempSync(join(tmpdir(), 'cairn-ui-prof-'));
const browser = await puppeteer.launch({
  executablePath: a.chromium, headless: true, userDataDir: profile,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  defaultViewport: { width: 1400, height: 1000 },
});
try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.goto(a.url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('.timing'), { timeout: 180000, polling: 100 });
  const { profile: prof } = await cdp.send('Profiler.stop');
  const timing = await page.$eval('.timing', (t) => t.textContent);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = prof.timeDeltas;
  prof.samples.forEach((id, i) => {
    const n = byId.get(id);
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    self.set(key, (self.get(key) || 0) + (dt[i] || 0) / 1000);
  });
  const total = [...self.values()].reduce((x, y) => x + y, 0);
  console.log(timing);
  console.log(`profiled ${total.toFixed(0)} ms`);
  for (const [k, ms] of [...self].sort((x, y) => y[1] - x[1]).slice(0, parseInt(a.top, 10))) console.log(`${ms.toFixed(1).padStart(8)} ms  ${k}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

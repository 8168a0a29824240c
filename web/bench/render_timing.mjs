// Times a graph page from its query_range request to the drawn graph, in
// Debian's chromium through puppeteer-core. Run by bench/run_ui_render.py.
//   node render_timing.mjs --url URL --ui cairn|prometheus --series N --runs R
// Prints one JSON line: per run {total, request, draw} in ms, where
//   request = the query_range request's responseEnd - startTime (server + transfer),
//   draw    = from responseEnd to the first animation frame with the graph drawn
//             (every series in the legend and the canvas present),
//   total   = request + draw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' }, ui: { type: 'string' }, series: { type: 'string' }, runs: { type: 'string', default: '3' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const n = parseInt(a.series, 10);
// What "drawn" means in each UI: the legend lists every series and the plot is there
// (uPlot's canvas; Debian's Prometheus 2.42 serves the classic UI, whose Rickshaw
// graph draws one SVG path per series).
const drawn = {
  cairn: `document.querySelectorAll('.u-legend tr.u-series').length === ${n + 1} && !!document.querySelector('.u-wrap canvas')`,
  prometheus: `document.querySelectorAll('.rickshaw_legend li.line').length === ${n} && document.querySelectorAll('.graph.rickshaw_graph svg path').length >= ${n}`,
}[a.ui];

const profile = mkdtempSync(join(tmpdir(), 'cairn-ui-bench-'));
const browser = await puppeteer.launch({
  executablePath: a.chromium, headless: true, userDataDir: profile,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  defaultViewport: { width: 1400, height: 1000 },
});
const runs = [];
try {
  for (let i = 0; i < parseInt(a.runs, 10); i++) {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(`(() => {
      window.__drawnAt = null;
      const poll = (t) => { if (${drawn}) { window.__drawnAt = performance.now(); } else { requestAnimationFrame(poll); } };
      requestAnimationFrame(poll);
    })()`);
    await page.goto(a.url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    try {
      await page.waitForFunction('window.__drawnAt !== null', { timeout: 180000, polling: 100 });
    } catch (e) {
      const seen = await page.evaluate(() => ({
        legend: document.querySelectorAll('.rickshaw_legend li.line, .u-legend tr.u-series').length,
        paths: document.querySelectorAll('.rickshaw_graph svg path').length,
        errors: [...document.querySelectorAll('.alert-danger, .error')].map((x) => x.textContent.trim()).join(' | '),
        requests: performance.getEntriesByType('resource').map((r) => r.name).filter((u) => u.includes('query')),
      }));
      await page.screenshot({ path: join(tmpdir(), `ui-bench-${a.ui}-timeout.png`) });
      throw new Error(`not drawn in 180 s: ${JSON.stringify(seen)}`);
    }
    const r = await page.evaluate(() => {
      const q = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query_range')).pop();
      return { start: q.startTime, end: q.responseEnd, drawn: window.__drawnAt, bytes: q.encodedBodySize };
    });
    runs.push({ total: r.drawn - r.start, request: r.end - r.start, draw: r.drawn - r.end, bytes: r.bytes });
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify({ ui: a.ui, runs }));

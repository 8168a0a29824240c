// Browser test of the Dashboards page against a running cairn fed with the
// seed's series (tests/integration/web_ui.py): the list, then each Grafana
// dashboard of deploy/grafana/dashboards/ drawn with every panel holding data
// (a plotted graph, a value, table rows), its variables resolved, no console
// error and no panel error; the variables, time range and refresh in the URL;
// auto-refresh. A screenshot per dashboard.
//   node dashboards_test.mjs --url http://127.0.0.1:PORT --artifacts DIR [--prefix-url URL]
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { launchBrowser, openPage } from './browser.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' }, 'prefix-url': { type: 'string' }, artifacts: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!existsSync(args.chromium)) {
  console.log(`SKIP: ${args.chromium} not found`);
  process.exit(77);
}
mkdirSync(args.artifacts, { recursive: true });
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'grafana', 'dashboards');
const seed = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')));

let failures = 0;
let passes = 0;
function check(cond, what) {
  if (cond) { passes++; console.log(`ok   ${what}`); } else { failures++; console.log(`FAIL ${what}`); }
}

const { browser, close: closeBrowser } = await launchBrowser(args.chromium, { width: 1400, height: 1000 });
const open = (url) => openPage(browser, url);

// Waits until every panel of generation >= `gen` is done (or failed).
async function settled(page, gen = 1) {
  await page.waitForFunction((g) => {
    const d = window.cairnDashboard && window.cairnDashboard();
    return d && d.panels && d.generation >= g && d.panels.every((p) => p && p.state !== 'loading');
  }, { timeout: 20000 }, gen);
  return page.evaluate(() => window.cairnDashboard());
}

function panelHasData(p) {
  switch (p.type) {
    case 'timeseries': case 'graph': return p.series > 0 && p.points > 0;
    case 'stat': case 'gauge': case 'bargauge': return p.values.length > 0 && p.values.every((v) => v !== null && Number.isFinite(v));
    case 'table': return p.rows > 0;
    default: return false;
  }
}

try {
  // The list.
  {
    const page = await open(`${args.url}/dashboards`);
    await page.waitForSelector('.dash-list a');
    const titles = await page.$$eval('.dash-list a', (as) => as.map((a) => a.textContent));
    check(seed.every((d) => titles.includes(d.title)), `/dashboards lists ${titles.join(', ')}`);
    check(page.problems.length === 0, `/dashboards: no console errors ${JSON.stringify(page.problems)}`);
    await page.screenshot({ path: join(args.artifacts, 'dashboards.png') });
    await page.close();
  }

  // Each dashboard: every panel drawn with data.
  for (const d of seed) {
    const page = await open(`${args.url}/dashboards?uid=${d.uid}`);
    const state = await settled(page);
    const want = d.panels.filter((p) => p.type !== 'row' && p.type !== 'text').length;
    check(state.panels.length === want, `${d.uid}: ${state.panels.length} of ${want} panels`);
    for (const v of state.variables) {
      check(!v.error && v.options.length > 0, `${d.uid}: variable ${v.name} has options ${JSON.stringify(v.options)} ${v.error || ''}`);
    }
    for (const p of state.panels) {
      check(p.state === 'done' && panelHasData(p), `${d.uid}: ${p.type} "${p.title}": ${p.state} ${p.error || ''}${p.state === 'nodata' ? JSON.stringify(p.exprs) : ''} ${JSON.stringify({ series: p.series, points: p.points, values: p.values, rows: p.rows })}`);
    }
    // What the page shows: a canvas per graph, text in stats, an arc per gauge, rows per table.
    const drawn = await page.evaluate(() => [...document.querySelectorAll('.dash-panel[data-panel-id]')].map((box) => ({
      type: [...box.classList].find((c) => c.startsWith('dash-') && c !== 'dash-panel').slice(5),
      canvas: !!box.querySelector('.uplot canvas'),
      stat: box.querySelector('.stat-number')?.textContent || '',
      gauge: box.querySelectorAll('svg path').length,
      bars: box.querySelectorAll('.bar-fill').length,
      rows: box.querySelectorAll('tbody tr').length,
      error: box.querySelector('.error')?.textContent || '',
    })));
    const visible = drawn.every((b) => !b.error && ({
      timeseries: b.canvas, graph: b.canvas, stat: b.stat !== '' && b.stat !== '-', gauge: b.gauge > 1, bargauge: b.bars > 0, table: b.rows > 0,
    })[b.type]);
    check(visible, `${d.uid}: every panel shows its drawing ${visible ? '' : JSON.stringify(drawn)}`);
    check(page.problems.length === 0, `${d.uid}: no console errors ${JSON.stringify(page.problems)}`);
    await page.screenshot({ path: join(args.artifacts, `dashboard-${d.uid}.png`), fullPage: true });
    await page.close();
  }

  // State in the URL: pick one value of the first variable and a quick range;
  // the queries use it, the URL carries it, and a reload restores it.
  {
    const page = await open(`${args.url}/dashboards?uid=api-gateway`);
    let state = await settled(page);
    const job = state.variables.find((v) => v.name === 'job');
    const pick = job.options[0];
    await page.select('select[data-var="job"]', pick);
    state = await settled(page, state.generation + 1);
    const rate = state.panels.find((p) => p.title === 'Request rate by job');
    check(rate.exprs[0].includes(`job=~"${pick}"`), `variable substituted: ${rate.exprs[0]}`);
    check(rate.series === 1, `one job selected: ${rate.series} series`);
    await page.select('select[aria-label="range"]', '30m');
    state = await settled(page, state.generation + 1);
    const url = page.url();
    check(url.includes(`var-job=${encodeURIComponent(pick)}`) && url.includes('from=now-30m'), `URL carries the state: ${url}`);
    await page.close();
    const again = await open(url);
    state = await settled(again);
    check(JSON.stringify(state.variables.find((v) => v.name === 'job').value) === JSON.stringify([pick]), 'reload keeps the variable');
    check(await again.$eval('input[aria-label="from"]', (i) => i.value) === 'now-30m', 'reload keeps the range');
    check(again.problems.length === 0, `URL round trip: no console errors ${JSON.stringify(again.problems)}`);
    await again.close();
  }

  // Auto-refresh: refresh=5s in the URL redraws the panels again.
  {
    const page = await open(`${args.url}/dashboards?uid=system-overview&refresh=5s`);
    const first = await settled(page);
    const later = await settled(page, first.generation + 1);
    check(later.generation > first.generation && later.panels.every((p) => p.state === 'done'), `auto-refresh: generation ${first.generation} -> ${later.generation}`);
    await page.close();
  }

  if (args['prefix-url']) {
    const page = await open(`${args['prefix-url']}/dashboards?uid=system-overview`);
    const state = await settled(page);
    check(state.panels.length > 0 && state.panels.every((p) => p.state !== 'error'), `under the prefix: the dashboard loads ${JSON.stringify(state.panels.filter((p) => p.state === 'error'))}`);
    check(page.problems.length === 0, `under the prefix: no console errors ${JSON.stringify(page.problems)}`);
    await page.close();
  }
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await closeBrowser();
}
console.log(`dashboards: ${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);

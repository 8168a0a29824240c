// Browser test of the UI against a running cairn, driven by puppeteer-core on
// Debian's chromium. Started by tests/integration/web_ui.py, which feeds the
// data; exit 77 when chromium is missing.
//   node ui_test.mjs --url http://127.0.0.1:PORT [--prefix-url http://127.0.0.1:P2/cairn]
//                    --artifacts DIR --metric NAME --series N
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { launchBrowser, openPage } from './browser.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' }, 'prefix-url': { type: 'string' }, artifacts: { type: 'string' },
    metric: { type: 'string' }, series: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!existsSync(args.chromium)) {
  console.log(`SKIP: ${args.chromium} not found`);
  process.exit(77);
}
const wantSeries = parseInt(args.series, 10);
mkdirSync(args.artifacts, { recursive: true });

let failures = 0;
let passes = 0;
function check(cond, what) {
  if (cond) { passes++; console.log(`ok   ${what}`); } else { failures++; console.log(`FAIL ${what}`); }
}

const { browser, close: closeBrowser } = await launchBrowser(args.chromium, { width: 1280, height: 900 });
const open = (url) => openPage(browser, url);

async function panels(page) {
  return page.evaluate(() => window.cairnPanels());
}

async function waitPanelsDone(page, n) {
  try {
    await page.waitForFunction((count) => {
      const ps = window.cairnPanels && window.cairnPanels();
      return ps && ps.length === count && ps.every((p) => p.status === 'done' || p.status === 'error');
    }, { timeout: 20000 }, n);
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify({
      panels: window.cairnPanels && window.cairnPanels(),
      outputs: [...document.querySelectorAll('.output')].map((o) => o.textContent.slice(0, 300)),
    }));
    throw new Error(`panels not done: ${state}; page problems: ${JSON.stringify(page.problems)}`);
  }
}

try {
  // 1. Every page loads without console errors and shows its content.
  const pages = [
    ['/graph', '.panel'], ['/alerts', 'h1'], ['/rules', 'table.data'], ['/targets', 'table.data'],
    ['/tsdb-status', 'table.data'], ['/config', 'pre.config'], ['/flags', 'table.data'], ['/status', 'table.data'],
  ];
  for (const [path, selector] of pages) {
    const page = await open(args.url + path);
    const found = await page.$(selector);
    check(found !== null, `${path}: shows ${selector}`);
    check(page.problems.length === 0, `${path}: no console errors ${page.problems.length ? JSON.stringify(page.problems) : ''}`);
    await page.screenshot({ path: join(args.artifacts, `${path.slice(1)}.png`), fullPage: true });
    await page.close();
  }
  // The TSDB page lists the test's metric among the top series counts.
  {
    const page = await open(`${args.url}/tsdb-status`);
    const text = await page.$eval('main', (m) => m.textContent);
    check(text.includes(args.metric), `/tsdb-status: lists ${args.metric}`);
    await page.close();
  }

  // 2. A query typed with autocompletion draws a graph with every series.
  const page = await open(`${args.url}/graph`);
  await page.click('.cm-content');
  const typed = args.metric.slice(0, args.metric.length - 6);
  await page.keyboard.type(typed, { delay: 20 });
  await page.waitForFunction((m) => [...document.querySelectorAll('.cm-tooltip-autocomplete li')]
    .some((li) => li.textContent.includes(m)), { timeout: 10000 }, args.metric);
  // Completion ignores Enter for a moment after the list opens or changes
  // (remote names arrive after the offline ones): let it settle first.
  await new Promise((r) => setTimeout(r, 400));
  // Select the metric's entry (it may not be the first), then accept it with Enter.
  for (let i = 0; i < 20; i++) {
    const sel = await page.$eval('.cm-tooltip-autocomplete li[aria-selected]', (li) => li.textContent).catch(() => '');
    if (sel.startsWith(args.metric)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((m) => document.querySelector('.cm-content').textContent === m, { timeout: 3000 }, args.metric)
    .catch(() => {});
  const expr = await page.$eval('.cm-content', (c) => c.textContent);
  check(expr === args.metric, `autocompletion accepted: editor holds "${expr}"`);
  if (await page.$('.cm-tooltip-autocomplete')) await page.keyboard.press('Escape');
  await page.click('button.execute');
  await waitPanelsDone(page, 1);
  let ps = await panels(page);
  check(ps[0].status === 'done' && ps[0].series === wantSeries, `graph has ${ps[0].series} series, want ${wantSeries}`);
  const legendRows = await page.$$eval('.u-legend tr.u-series', (rows) => rows.length - 1);
  check(legendRows === wantSeries, `legend has ${legendRows} series rows, want ${wantSeries}`);
  // Hovering the plot shows values in the legend.
  const over = await page.$('.u-over');
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  const hovered = await page.$$eval('.u-legend tr.u-series td.u-value', (tds) => tds.slice(1).filter((td) => td.textContent !== '-' && td.textContent !== '--').length);
  check(hovered > 0, `hover shows ${hovered} legend values`);
  // Drag to zoom narrows the x scale.
  const before = (await panels(page))[0].xRange;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const after = (await panels(page))[0].xRange;
  check(after[1] - after[0] < 0.5 * (before[1] - before[0]),
    `drag-zoom narrows the time axis from ${before[1] - before[0]}s to ${after[1] - after[0]}s`);

  // 3. Change the view: range, stacked, stats, a second panel in the table tab.
  await page.$eval('input.range', (i) => { i.value = '30m'; i.dispatchEvent(new Event('change')); });
  await page.$eval('input.stacked', (i) => i.click());
  await page.$eval('input.show-stats', (i) => i.click());
  await waitPanelsDone(page, 1);
  check(await page.$('details.stats') !== null, 'query stats shown on demand');
  await page.click('button.add-panel');
  await page.keyboard.type(`count(${args.metric})`);
  await page.$$eval('section.panel', (s) => s[1].querySelector('button[data-tab="1"]').click());
  await waitPanelsDone(page, 2);
  const cell = await page.$$eval('section.panel', (s) => s[1].querySelector('table.data tbody td:last-child')?.textContent);
  check(cell === String(wantSeries), `table tab of count(...) shows ${cell}, want ${wantSeries}`);
  const url = page.url();
  const stateBefore = (await panels(page)).map((p) => p.state);
  await page.screenshot({ path: join(args.artifacts, 'graph-query.png'), fullPage: true });
  check(page.problems.length === 0, `query page: no console errors ${JSON.stringify(page.problems)}`);
  await page.close();

  // 4. The URL round-trips the view.
  const again = await open(url);
  await waitPanelsDone(again, 2);
  ps = await panels(again);
  check(JSON.stringify(ps.map((p) => p.state)) === JSON.stringify(stateBefore),
    `reloaded URL gives the same panels: ${JSON.stringify(ps.map((p) => p.state))}`);
  check(ps[0].series === wantSeries, `reloaded graph has ${ps[0].series} series`);
  const editorTexts = await again.$$eval('.cm-content', (cs) => cs.map((c) => c.textContent));
  check(editorTexts[0] === args.metric && editorTexts[1] === `count(${args.metric})`, `reloaded editors: ${JSON.stringify(editorTexts)}`);
  const tabs = await again.$$eval('section.panel', (s) => s.map((p) => p.querySelector('.tab.active').dataset.tab));
  check(tabs.join() === '0,1', `reloaded tabs ${tabs}`);
  check(again.problems.length === 0, `reloaded page: no console errors ${JSON.stringify(again.problems)}`);
  await again.close();

  // 5. Linting marks a syntax error in the editor; executing it shows the server's error.
  {
    const p = await open(`${args.url}/graph?g0.expr=${encodeURIComponent('rate(x)')}&g0.tab=1`);
    await waitPanelsDone(p, 1);
    const marked = await p.waitForSelector('.cm-lintRange-error, .cm-lintPoint-error', { timeout: 5000 }).then(() => true, () => false);
    check(marked, 'the linter marks "rate(x)" (an instant vector where a range is due) as an error');
    const shown = await p.$eval('.output', (o) => o.textContent);
    check(shown.includes('Error executing query'), `the server's parse error is shown: ${shown.slice(0, 120)}`);
    await p.close();
  }

  // 6. Under a route prefix (--web.external-url with a path) the UI and its API calls work.
  if (args['prefix-url']) {
    const p = await open(`${args['prefix-url']}/graph?g0.expr=${encodeURIComponent(args.metric)}&g0.tab=0&g0.range_input=1h`);
    await waitPanelsDone(p, 1);
    const pp = await panels(p);
    check(pp[0].series === wantSeries, `under the prefix: graph has ${pp[0].series} series`);
    check(p.problems.length === 0, `under the prefix: no console errors ${JSON.stringify(p.problems)}`);
    await p.screenshot({ path: join(args.artifacts, 'prefix-graph.png') });
    await p.close();
  }
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await closeBrowser();
}
console.log(`ui: ${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);

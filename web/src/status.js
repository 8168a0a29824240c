// The status pages: each reads one or two JSON endpoints and shows tables.
import { api, el, table } from './api.js';

function labelChips(labels) {
  return el('span', { class: 'labels' },
    Object.entries(labels || {}).map(([k, v]) => el('span', { class: 'chip' }, `${k}="${v}"`)));
}

function ago(iso) {
  if (!iso || iso.startsWith('0001-')) return 'never';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  return `${s.toFixed(1)}s ago`;
}

function stateBadge(state) {
  return el('span', { class: `badge ${String(state).toLowerCase()}` }, state);
}

async function targets(page) {
  const { data } = await api('/targets');
  const byPool = new Map();
  for (const t of data.activeTargets) {
    if (!byPool.has(t.scrapePool)) byPool.set(t.scrapePool, []);
    byPool.get(t.scrapePool).push(t);
  }
  page.append(el('h1', {}, 'Targets'));
  if (!byPool.size) page.append(el('p', {}, 'No active targets.'));
  for (const [pool, ts] of byPool) {
    const up = ts.filter((t) => t.health === 'up').length;
    page.append(el('h2', {}, `${pool} (${up}/${ts.length} up)`),
      table(['Endpoint', 'State', 'Labels', 'Last scrape', 'Scrape duration', 'Error'],
        ts.map((t) => [el('a', { href: t.scrapeUrl }, t.scrapeUrl), stateBadge(t.health), labelChips(t.labels),
          ago(t.lastScrape), `${(t.lastScrapeDuration * 1000).toFixed(1)} ms`, t.lastError || ''])));
  }
}

async function rules(page) {
  const { data } = await api('/rules');
  page.append(el('h1', {}, 'Rules'));
  if (!data.groups.length) page.append(el('p', {}, 'No rule groups are configured.'));
  for (const g of data.groups) {
    page.append(el('h2', {}, `${g.name} `, el('small', {}, `${g.file}, every ${g.interval}s, last evaluation ${ago(g.lastEvaluation)} took ${(g.evaluationTime * 1000).toFixed(2)} ms`)),
      table(['Rule', 'State', 'Error', 'Last evaluation', 'Evaluation time'],
        g.rules.map((r) => [
          el('pre', {}, r.type === 'alerting'
            ? `alert: ${r.name}\nexpr: ${r.query}${r.duration ? `\nfor: ${r.duration}s` : ''}`
            : `record: ${r.name}\nexpr: ${r.query}`),
          stateBadge(r.health), r.lastError || '', ago(r.lastEvaluation), `${(r.evaluationTime * 1000).toFixed(2)} ms`])));
  }
}

async function alerts(page) {
  const { data } = await api('/rules', { type: 'alert' });
  page.append(el('h1', {}, 'Alerts'));
  const all = data.groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
  if (!all.length) page.append(el('p', {}, 'No alerting rules are configured.'));
  const counts = { firing: 0, pending: 0, inactive: 0 };
  all.forEach((r) => { counts[r.state] = (counts[r.state] || 0) + 1; });
  if (all.length) page.append(el('p', {}, `firing ${counts.firing}, pending ${counts.pending}, inactive ${counts.inactive}`));
  for (const r of all) {
    page.append(el('h2', {}, stateBadge(r.state), ` ${r.name} (${r.alerts.length} active) `, el('small', {}, r.group)),
      el('pre', {}, `expr: ${r.query}`),
      r.alerts.length ? table(['Labels', 'State', 'Active since', 'Value'],
        r.alerts.map((a) => [labelChips(a.labels), stateBadge(a.state), a.activeAt || '', a.value])) : '');
  }
}

function countTable(title, rows, nameHeader) {
  return [el('h2', {}, title), table([nameHeader, 'Count'], (rows || []).map((r) => [r.name, r.value]))];
}

async function tsdb(page) {
  const { data } = await api('/status/tsdb');
  const h = data.headStats || {};
  const t = (ms) => (ms === undefined ? '' : new Date(ms).toISOString());
  page.append(el('h1', {}, 'TSDB status'),
    el('h2', {}, 'Head stats'),
    table(['Number of series', 'Number of chunks', 'Current min time', 'Current max time'],
      [[h.numSeries, h.chunkCount, `${t(h.minTime)} (${h.minTime})`, `${t(h.maxTime)} (${h.maxTime})`]]),
    ...countTable('Top 10 series count by metric names', data.seriesCountByMetricName, 'Name'),
    ...countTable('Top 10 label names with value count', data.labelValueCountByLabelName, 'Name'),
    ...countTable('Top 10 label names with high memory usage', data.memoryInBytesByLabelName, 'Name'),
    ...countTable('Top 10 series count by label value pairs', data.seriesCountByLabelValuePair, 'Name'));
}

async function config(page) {
  const { data } = await api('/status/config');
  page.append(el('h1', {}, 'Configuration'), el('pre', { class: 'config' }, data.yaml));
}

async function flags(page) {
  const { data } = await api('/status/flags');
  const rows = Object.keys(data).sort().map((k) => [`--${k}`, data[k]]);
  page.append(el('h1', {}, 'Command-line flags'), table(['Flag', 'Value'], rows));
}

async function runtime(page) {
  const [rt, bi] = await Promise.all([api('/status/runtimeinfo'), api('/status/buildinfo')]);
  const kv = (obj) => table(['', ''], Object.entries(obj).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
  page.append(el('h1', {}, 'Runtime & build information'),
    el('h2', {}, 'Runtime information'), kv(rt.data),
    el('h2', {}, 'Build information'), kv(bi.data));
}

export const statusPages = { targets, rules, alerts, tsdb, config, flags, runtime };

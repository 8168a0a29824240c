// The Dashboards page: the Grafana dashboards embedded from
// deploy/grafana/dashboards/ (build.mjs copies them to assets/dashboards/),
// a list at /dashboards and one dashboard at /dashboards?uid=<uid>, drawn from
// the models of grafana/model.js. The state is in the URL the way Grafana
// writes it: from, to, refresh, var-<name> (repeated for several values).
// Loaded on demand (import()) so the first visit does not carry it.
import uPlot from 'uplot';
import { api, el, formatSeries, prefix } from './api.js';
import { seriesColor } from './graph.js';
import { alignMatrix } from './align.js';
import { RangeDecoder } from './matrix_decode.js';
import { dashboardModel, gridStyle, GRID_ROW_PX, reduceValues } from './grafana/model.js';
import { ALL, interpolate, legendText } from './grafana/interpolate.js';
import { resolveVariables } from './grafana/variables.js';
import { formatText, formatValue } from './grafana/units.js';
import { colorFor, thresholdBands } from './grafana/thresholds.js';
import { builtinVariables, parseGrafanaDuration, parseTime } from './grafana/time.js';

const GAP_PX = 8;
const QUICK_RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d'];

async function fetchJson(path) {
  const r = await fetch(`${prefix}/assets/dashboards/${path}`);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${r.statusText}`);
  return r.json();
}

function seriesName(target, metric) {
  if (!target.legendFormat || target.legendFormat === '__auto') return formatSeries(metric);
  return legendText(target.legendFormat, metric);
}

// ---- URL state ----
function readState(model) {
  const q = new URLSearchParams(location.search);
  const state = { from: q.get('from') || model.time.from, to: q.get('to') || model.time.to, refresh: q.has('refresh') ? q.get('refresh') : model.refresh };
  for (const v of model.variables) {
    const vals = q.getAll(`var-${v.name}`);
    // Grafana writes All as $__all; "All" is taken too.
    if (vals.length) v.value = vals.map((x) => (x === 'All' ? ALL : x));
  }
  return state;
}

function writeState(model, state) {
  const q = new URLSearchParams();
  q.set('uid', model.uid);
  q.set('from', state.from);
  q.set('to', state.to);
  if (state.refresh) q.set('refresh', state.refresh);
  for (const v of model.variables) for (const x of v.value) q.append(`var-${v.name}`, x);
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

// ---- panels ----
function panelShell(p) {
  const body = el('div', { class: 'dash-body' });
  const box = el('div', { class: `dash-panel dash-${p.type}`, style: gridStyle(p.grid), 'data-panel-id': p.id, 'data-state': 'loading' },
    el('div', { class: 'dash-title', title: p.description || null }, p.title), body);
  return { box, body };
}

function bodyHeight(p) {
  return p.grid.h * GRID_ROW_PX + (p.grid.h - 1) * GAP_PX - 28;
}

// The plot leaves room for two legend rows below it (the legend scrolls).
const LEGEND_PX = 44;
function plotHeight(p) {
  return Math.max(bodyHeight(p) - LEGEND_PX, 80);
}

// Runs the panel's targets; range targets on Grafana's step grid.
async function runTargets(p, ctx, width) {
  const { fromMs, toMs } = ctx.range;
  const minIntervalMs = parseGrafanaDuration(p.interval);
  const { intervalMs, vars: builtins } = builtinVariables(fromMs, toMs, p.maxDataPoints || Math.max(100, Math.round(width)), { minIntervalMs });
  const step = intervalMs / 1000;
  const start = Math.floor(fromMs / 1000 / step) * step;
  const end = Math.floor(toMs / 1000 / step) * step;
  const frames = [];
  const warnings = [];
  await Promise.all(p.targets.map(async (t, i) => {
    const expr = interpolate(t.expr, ctx.vars, builtins);
    const r = t.instant
      ? await api('/query', { query: expr, time: toMs / 1000 })
      : await api('/query_range', { query: expr, start, end, step }, { decoder: () => new RangeDecoder() });
    warnings.push(...(r.warnings || []));
    frames[i] = { target: t, expr, data: r.data };
  }));
  return { frames, start, end, step, warnings };
}

// Every series of every target as { name, metric, refId, ts, vs } (seconds
// and values; a vector's sample or a scalar is a one-point series). Range
// answers come from RangeDecoder with ts/vs already.
function point(t, v) {
  const x = v === '+Inf' || v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : +v;
  return { ts: Float64Array.of(t), vs: Float64Array.of(x) };
}

function allSeries(frames) {
  const out = [];
  for (const f of frames) {
    const { resultType, result } = f.data;
    const base = (metric) => ({ name: seriesName(f.target, metric), metric, refId: f.target.refId });
    if (resultType === 'matrix') result.forEach((s) => { if (s.ts) out.push({ ...base(s.metric), ts: s.ts, vs: s.vs }); });
    else if (resultType === 'vector') result.forEach((s) => out.push({ ...base(s.metric), ...point(s.value[0], s.value[1]) }));
    else if (resultType === 'scalar') out.push({ name: f.target.refId, metric: {}, refId: f.target.refId, ...point(result[0], result[1]) });
  }
  return out;
}

// The values with NaN and ±Inf as null (missing), for the reducers.
function numbers(vs) {
  const out = new Array(vs.length);
  for (let i = 0; i < vs.length; i++) out[i] = vs[i] - vs[i] === 0 ? vs[i] : null;
  return out;
}

function drawTimeseries(p, body, run) {
  const series = allSeries(run.frames);
  const { xs, ys } = alignMatrix(series, run.start, run.end, run.step);
  const fmt = (v) => (v === null || v === undefined ? '-' : formatText(v, p.unit, p.decimals));
  const opts = {
    width: Math.max(body.clientWidth, 200),
    height: plotHeight(p),
    series: [{ label: 'Time' }, ...series.map((s, i) => ({
      label: s.name, stroke: seriesColor(i), width: 1, points: { show: false }, spanGaps: false,
      value: (u, v) => fmt(v),
    }))],
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [p.min ?? (lo > 0 ? 0 : lo), p.max ?? (hi === lo ? hi + 1 : hi)] } },
    axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => formatText(v, p.unit)) }],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
  };
  const plot = new uPlot(opts, [xs, ...ys], body);
  return { series: series.length, points: ys.reduce((n, y) => n + y.filter((v) => v !== null).length, 0), plot };
}

function reducedValues(p, run) {
  return allSeries(run.frames).map((s) => ({ name: s.name, value: reduceValues(numbers(s.vs), p.reduce) }));
}

function defaultMax(p, values) {
  if (p.max !== undefined) return p.max;
  if (p.unit === 'percentunit') return 1;
  if (p.unit === 'percent') return 100;
  return Math.max(100, ...values.map((v) => v.value ?? 0));
}

function drawStat(p, body, run) {
  const values = reducedValues(p, run);
  body.append(el('div', { class: 'stat-values' }, values.map((v) => {
    const { text, suffix } = formatValue(v.value, p.unit, p.decimals);
    return el('div', { class: 'stat-value', style: `color: ${v.value === null ? '#888' : colorFor(v.value, p.thresholds, p.min ?? 0, defaultMax(p, values))}` },
      el('span', { class: 'stat-number' }, text), el('span', { class: 'stat-suffix' }, suffix),
      values.length > 1 ? el('div', { class: 'stat-name' }, v.name) : null);
  })));
  return { values: values.map((v) => v.value) };
}

// A half-circle gauge in SVG: the threshold bands as the outer ring, the
// value as the inner arc in its threshold colour.
function gaugeSvg(value, min, max, thresholds, label) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 200 120');
  const pt = (frac, r) => {
    const a = Math.PI * (1 - Math.min(1, Math.max(0, frac)));
    return [100 + r * Math.cos(a), 100 - r * Math.sin(a)];
  };
  const arc = (f0, f1, r, color, w) => {
    const [x0, y0] = pt(f0, r);
    const [x1, y1] = pt(f1, r);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', `M ${x0} ${y0} A ${r} ${r} 0 0 1 ${x1} ${y1}`);
    path.setAttribute('stroke', color);
    path.setAttribute('stroke-width', w);
    path.setAttribute('fill', 'none');
    svg.append(path);
  };
  const span = max - min || 1;
  for (const b of thresholdBands(thresholds, min, max)) arc((b.from - min) / span, (b.to - min) / span, 88, b.color, 5);
  arc(0, 1, 70, '#eee', 22);
  if (value !== null) arc(0, (value - min) / span, 70, colorFor(value, thresholds, min, max), 22);
  const text = document.createElementNS(NS, 'text');
  text.setAttribute('x', 100);
  text.setAttribute('y', 100);
  text.setAttribute('text-anchor', 'middle');
  text.setAttribute('class', 'gauge-text');
  text.textContent = label;
  svg.append(text);
  return svg;
}

function drawGauge(p, body, run) {
  const values = reducedValues(p, run);
  const min = p.min ?? 0;
  const max = defaultMax(p, values);
  body.append(el('div', { class: 'gauge-row' }, values.map((v) => el('div', { class: 'gauge' },
    gaugeSvg(v.value, min, max, p.thresholds, formatText(v.value, p.unit, p.decimals)),
    values.length > 1 ? el('div', { class: 'stat-name' }, v.name) : null))));
  return { values: values.map((v) => v.value) };
}

function drawBarGauge(p, body, run) {
  const values = reducedValues(p, run);
  const min = p.min ?? 0;
  const max = p.max ?? Math.max(...values.map((v) => v.value ?? 0), min + 1e-9);
  body.append(el('div', { class: 'bars' }, values.map((v) => {
    const frac = v.value === null ? 0 : Math.min(1, Math.max(0, (v.value - min) / (max - min)));
    const color = v.value === null ? '#888' : colorFor(v.value, p.thresholds, min, max);
    return el('div', { class: 'bar-row' },
      el('div', { class: 'bar-name', title: v.name }, v.name),
      el('div', { class: 'bar-track' }, el('div', { class: 'bar-fill', style: `width: ${(frac * 100).toFixed(1)}%; background: ${color}` })),
      el('div', { class: 'bar-value', style: `color: ${color}` }, formatText(v.value, p.unit, p.decimals)));
  })));
  return { values: values.map((v) => v.value) };
}

// Grafana's table of an instant query: one row per series, a column per
// label, then the value ("Value" or "Value #A" with several queries).
function drawTable(p, body, run) {
  const series = allSeries(run.frames);
  const labels = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : 1));
  const valueCols = [...new Set(series.map((s) => s.refId))];
  const valueName = (ref) => (valueCols.length > 1 ? `Value #${ref}` : 'Value');
  const rows = series.map((s) => {
    const k = s.ts.length - 1;
    const v = s.vs[k];
    return [new Date(s.ts[k] * 1000).toISOString().slice(0, 19).replace('T', ' '), ...labels.map((l) => s.metric[l] ?? ''),
      ...valueCols.map((ref) => (ref === s.refId ? el('span', { style: `color: ${colorFor(v, p.thresholds)}` }, formatText(v, p.unit, p.decimals)) : ''))];
  });
  body.append(el('table', { class: 'data dash-table' },
    el('thead', {}, el('tr', {}, ['Time', ...labels, ...valueCols.map(valueName)].map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c)))))));
  return { rows: rows.length };
}

const DRAW = { timeseries: drawTimeseries, graph: drawTimeseries, stat: drawStat, gauge: drawGauge, bargauge: drawBarGauge, table: drawTable };

async function renderPanel(p, shell, ctx) {
  const { box, body } = shell;
  if (shell.plot) shell.plot.destroy();
  shell.plot = null;
  box.dataset.state = 'loading';
  shell.info = { id: p.id, type: p.type, title: p.title, state: 'loading' };
  try {
    if (p.type === 'unsupported') throw new Error(`panel type "${p.grafanaType}" is not drawn by Cairn`);
    if (!p.targets.length) throw new Error('the panel has no query');
    const run = await runTargets(p, ctx, body.clientWidth);
    if (ctx.generation !== shell.generation) return;
    body.replaceChildren();
    if (!allSeries(run.frames).length) {
      body.append(el('div', { class: 'no-data' }, 'No data'));
      shell.info = { ...shell.info, state: 'nodata', exprs: run.frames.map((f) => f.expr) };
      box.dataset.state = 'nodata';
      return;
    }
    const drawn = DRAW[p.type](p, body, run);
    shell.plot = drawn.plot || null;
    delete drawn.plot;
    if (run.warnings.length) body.append(el('div', { class: 'dash-warning', title: run.warnings.join('\n') }, '⚠'));
    shell.info = { ...shell.info, state: 'done', ...drawn, exprs: run.frames.map((f) => f.expr) };
    box.dataset.state = 'done';
  } catch (e) {
    if (ctx.generation !== shell.generation) return;
    body.replaceChildren(el('div', { class: 'error' }, String(e.message || e)));
    shell.info = { ...shell.info, state: 'error', error: String(e.message || e) };
    box.dataset.state = 'error';
  }
}

// ---- the page ----
async function listPage(page) {
  const index = await fetchJson('index.json');
  page.append(el('h1', {}, 'Dashboards'),
    el('p', {}, 'The Grafana dashboards of deploy/grafana/dashboards/, drawn by Cairn; the same files provision Grafana (docs/ui.md).'),
    el('ul', { class: 'dash-list' }, index.map((d) => el('li', {},
      el('a', { href: `${prefix}/dashboards?uid=${encodeURIComponent(d.uid)}` }, d.title), ' ',
      el('small', {}, d.file, d.tags.length ? ` · ${d.tags.join(', ')}` : '')))));
  window.cairnDashboard = () => ({ list: index.map((d) => d.uid) });
}

function variableControl(v, onChange) {
  const opts = [...(v.includeAll ? [{ text: 'All', value: ALL }] : []), ...v.options];
  const select = el('select', { multiple: v.multi || null, 'data-var': v.name, size: v.multi ? Math.min(4, opts.length) : null },
    opts.map((o) => el('option', { value: o.value, selected: v.value.includes(o.value) || null }, o.text)));
  select.addEventListener('change', () => {
    let chosen = [...select.selectedOptions].map((o) => o.value);
    if (chosen.length > 1 && chosen.includes(ALL)) chosen = chosen.filter((x) => x !== ALL);
    v.value = chosen.length ? chosen : (v.includeAll ? [ALL] : []);
    onChange();
  });
  return el('label', { class: 'dash-var' }, `${v.label} `, select, v.error ? el('span', { class: 'error' }, v.error) : null);
}

async function dashboardPage(page, entry) {
  const model = dashboardModel(await fetchJson(entry.file));
  const state = readState(model);
  document.title = `${model.title} - Cairn`;
  const varBar = el('div', { class: 'dash-vars' });
  const grid = el('div', { class: 'dash-grid' });
  const fromInput = el('input', { value: state.from, size: 12, 'aria-label': 'from' });
  const toInput = el('input', { value: state.to, size: 12, 'aria-label': 'to' });
  const quick = el('select', { 'aria-label': 'range' }, el('option', { value: '' }, 'Quick range'),
    QUICK_RANGES.map((r) => el('option', { value: r }, `Last ${r}`)));
  const refreshSel = el('select', { 'aria-label': 'auto-refresh' }, el('option', { value: '' }, 'Off'),
    model.refreshIntervals.map((r) => el('option', { value: r, selected: r === state.refresh || null }, r)));
  const updated = el('span', { class: 'timing' });
  page.append(el('div', { class: 'dash-head' },
    el('h1', {}, el('a', { href: `${prefix}/dashboards` }, 'Dashboards'), ' / ', model.title),
    el('div', { class: 'controls' }, 'From', fromInput, 'to', toInput, quick,
      el('button', { onclick: () => apply() }, 'Apply'), 'Refresh every', refreshSel,
      el('button', { onclick: () => refresh(), title: 'refresh now' }, '⟳'), updated)),
    varBar, grid);

  const shells = new Map();
  for (const p of model.panels) {
    if (p.type === 'row') {
      grid.append(el('div', { class: 'dash-row', style: gridStyle({ ...p.grid, x: 0, w: 24, h: 1 }) }, p.title));
    } else if (p.type === 'text') {
      grid.append(el('div', { class: 'dash-panel', style: gridStyle(p.grid) }, el('div', { class: 'dash-title' }, p.title), el('div', { class: 'dash-body' }, p.content)));
    } else {
      const shell = panelShell(p);
      shells.set(p, shell);
      grid.append(shell.box);
    }
  }

  let generation = 0;
  let timer = null;
  const vars = () => Object.fromEntries(model.variables.map((v) => [v.name, v]));
  function currentRange() {
    const now = Date.now();
    const fromMs = parseTime(state.from, now);
    const toMs = parseTime(state.to, now, true);
    if (fromMs === null || toMs === null || fromMs >= toMs) throw new Error(`bad time range ${state.from} to ${state.to}`);
    return { fromMs, toMs };
  }
  async function refreshVariables() {
    const { fromMs, toMs } = currentRange();
    const { vars: builtins } = builtinVariables(fromMs, toMs, 1000);
    await resolveVariables(model.variables, api, fromMs / 1000, toMs / 1000, builtins);
    varBar.replaceChildren(...model.variables.filter((v) => v.hide !== 2).map((v) => variableControl(v, () => {
      writeState(model, state);
      refreshVariables().then(refresh);
    })));
  }
  async function refresh() {
    const ctx = { range: currentRange(), vars: vars(), generation: ++generation };
    writeState(model, state);
    updated.textContent = '';
    await Promise.all([...shells].map(([p, shell]) => {
      shell.generation = ctx.generation;
      return renderPanel(p, shell, ctx);
    }));
    if (ctx.generation === generation) updated.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
  }
  function schedule() {
    if (timer) clearInterval(timer);
    timer = null;
    const ms = parseGrafanaDuration(state.refresh);
    if (ms) timer = setInterval(() => refresh(), Math.max(ms, 5000));
  }
  async function apply() {
    state.from = fromInput.value.trim() || model.time.from;
    state.to = toInput.value.trim() || 'now';
    await refreshVariables();
    await refresh();
  }
  quick.addEventListener('change', () => {
    if (!quick.value) return;
    fromInput.value = `now-${quick.value}`;
    toInput.value = 'now';
    quick.value = '';
    apply();
  });
  refreshSel.addEventListener('change', () => {
    state.refresh = refreshSel.value;
    writeState(model, state);
    schedule();
  });
  window.addEventListener('resize', () => {
    for (const [p, shell] of shells) if (shell.plot) shell.plot.setSize({ width: shell.body.clientWidth, height: plotHeight(p) });
  });
  // For the browser test: each panel's state, series/values/rows or error.
  window.cairnDashboard = () => ({
    uid: model.uid, generation,
    variables: model.variables.map((v) => ({ name: v.name, value: v.value, options: v.options.map((o) => o.value), error: v.error || null })),
    panels: [...shells.values()].map((s) => s.info),
  });
  await refreshVariables();
  await refresh();
  schedule();
}

export async function dashboardsPage(page) {
  const uid = new URLSearchParams(location.search).get('uid');
  if (!uid) return listPage(page);
  const index = await fetchJson('index.json');
  const entry = index.find((d) => d.uid === uid);
  if (!entry) throw new Error(`no dashboard with uid "${uid}"`);
  return dashboardPage(page, entry);
}

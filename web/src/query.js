// The query page: one or more panels, each a PromQL editor (Prometheus'
// CodeMirror language package: highlighting, autocompletion against Cairn's
// API, linting), Execute, Graph/Table tabs, range/end/resolution/stacked and
// query statistics on demand. The whole state lives in the URL.
import { EditorView, keymap, placeholder, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
// `history` would shadow window.history (the URL state needs it).
import { defaultKeymap, history as editHistory, historyKeymap, insertNewlineAndIndent } from '@codemirror/commands';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { api, el, formatSeries, prefix, table, ApiError } from './api.js';
import { drawGraph } from './graph.js';
import { RangeDecoder } from './matrix_decode.js';
import {
  decodePanels, defaultPanel, encodePanels, formatDuration, formatEnd, parseDuration, parseEnd,
} from './url_state.js';

const RANGE_STEPS = [60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000, 7776000, 31536000];
const MAX_TABLE_ROWS = 10000;

// One shared extension: its client caches metric and label names for every panel.
const promql = new PromQLExtension().setComplete({
  remote: { url: `${location.origin}${prefix}`, httpErrorHandler: (e) => console.warn('autocomplete:', e) },
});

let panels = [];
let pageEl;

function saveUrl() {
  window.history.replaceState(null, '', `${location.pathname}?${encodePanels(panels.map((p) => p.state))}`);
}

function messages(kind, list) {
  return (list || []).length ? el('ul', { class: kind }, list.map((m) => el('li', {}, m))) : null;
}

function statsView(stats) {
  if (!stats) return null;
  const rows = [];
  const walk = (obj, path) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v, `${path}${k}.`);
      else if (!Array.isArray(v)) rows.push([`${path}${k}`, String(v)]);
    }
  };
  walk(stats, '');
  return el('details', { class: 'stats', open: true }, el('summary', {}, 'Query statistics'), table(['Statistic', 'Value'], rows));
}

function renderTable(data) {
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return table(['Result', 'Value'], [[data.resultType, String(data.result[1])]]);
    case 'vector':
      return table(['Series', 'Value'], data.result.slice(0, MAX_TABLE_ROWS).map((s) => [
        formatSeries(s.metric), s.value ? s.value[1] : `histogram ${JSON.stringify(s.histogram[1])}`]));
    case 'matrix':
      return table(['Series', 'Values'], data.result.slice(0, MAX_TABLE_ROWS).map((s) => [
        formatSeries(s.metric),
        el('pre', {}, (s.values || []).map(([t, v]) => `${v} @${t}`).join('\n'))]));
    default:
      return el('p', {}, `unknown result type ${data.resultType}`);
  }
}

class Panel {
  constructor(state) {
    this.state = state;
    this.plot = null;
    this.abort = null;
    this.root = el('section', { class: 'panel' });
    this.build();
  }

  build() {
    const s = this.state;
    const execKeys = keymap.of([
      { key: 'Enter', run: () => { this.execute(); return true; } },
      { key: 'Shift-Enter', run: insertNewlineAndIndent },
    ]);
    this.editor = new EditorView({
      parent: el('div'),
      state: EditorState.create({
        doc: s.expr,
        extensions: [
          highlightSpecialChars(), editHistory(), drawSelection(), bracketMatching(), closeBrackets(),
          autocompletion(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          placeholder('Expression (press Shift+Enter for newlines)'),
          keymap.of([...closeBracketsKeymap, ...completionKeymap, ...lintKeymap]),
          execKeys,
          keymap.of([...defaultKeymap, ...historyKeymap]),
          promql.asExtension(),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) { s.expr = u.state.doc.toString(); saveUrl(); }
          }),
        ],
      }),
    });
    const tabButton = (n, label) => el('button', {
      class: `tab${s.tab === n ? ' active' : ''}`, 'data-tab': String(n),
      onclick: () => { s.tab = n; this.refreshControls(); saveUrl(); this.execute(); },
    }, label);
    this.rangeInput = el('input', { class: 'range', value: s.range, size: 6, title: 'range',
      onchange: () => this.setRange(this.rangeInput.value) });
    this.endInput = el('input', { class: 'end', value: s.end, placeholder: 'end time (UTC), empty = now', size: 20,
      onchange: () => {
        s.end = parseEnd(this.endInput.value) === null ? '' : this.endInput.value.trim();
        this.endInput.value = s.end; saveUrl(); this.execute();
      } });
    this.stepInput = el('input', { class: 'step', value: s.step, placeholder: 'Res. (s)', size: 8,
      onchange: () => {
        s.step = parseFloat(this.stepInput.value) > 0 ? this.stepInput.value.trim() : '';
        this.stepInput.value = s.step; saveUrl(); this.execute();
      } });
    this.stackedBox = el('input', { type: 'checkbox', class: 'stacked', checked: s.stacked,
      onchange: () => { s.stacked = this.stackedBox.checked; saveUrl(); this.execute(); } });
    this.statsBox = el('input', { type: 'checkbox', class: 'show-stats', checked: s.stats,
      onchange: () => { s.stats = this.statsBox.checked; saveUrl(); this.execute(); } });
    this.graphControls = el('div', { class: 'controls' },
      el('button', { onclick: () => this.shiftRange(-1), title: 'shorter range' }, '−'), this.rangeInput,
      el('button', { onclick: () => this.shiftRange(1), title: 'longer range' }, '+'),
      el('button', { onclick: () => this.moveEnd(-1), title: 'back' }, '«'), this.endInput,
      el('button', { onclick: () => this.moveEnd(1), title: 'forward' }, '»'),
      this.stepInput, el('label', {}, this.stackedBox, ' stacked'));
    this.tabs = el('div', { class: 'tabs' }, tabButton(1, 'Table'), tabButton(0, 'Graph'));
    this.out = el('div', { class: 'output' });
    this.root.append(
      el('div', { class: 'editor-row' }, this.editor.dom.parentElement,
        el('button', { class: 'execute', onclick: () => this.execute() }, 'Execute'),
        el('button', { class: 'remove', title: 'Remove panel', onclick: () => removePanel(this) }, '✕')),
      el('div', { class: 'toolbar' }, this.tabs, el('label', {}, this.statsBox, ' query stats')),
      this.graphControls, this.out);
    this.refreshControls();
  }

  refreshControls() {
    for (const b of this.tabs.querySelectorAll('button')) b.classList.toggle('active', b.dataset.tab === String(this.state.tab));
    this.graphControls.style.display = this.state.tab === 0 ? '' : 'none';
  }

  setRange(text) {
    if (parseDuration(text) === null) { this.rangeInput.value = this.state.range; return; }
    this.state.range = text.trim();
    this.rangeInput.value = this.state.range;
    saveUrl();
    this.execute();
  }

  shiftRange(dir) {
    const cur = parseDuration(this.state.range);
    const next = dir > 0 ? RANGE_STEPS.find((r) => r > cur) : [...RANGE_STEPS].reverse().find((r) => r < cur);
    if (next) this.setRange(formatDuration(next));
  }

  moveEnd(dir) {
    const range = parseDuration(this.state.range) * 1000;
    const end = parseEnd(this.state.end) ?? Date.now();
    const next = end + (dir * range) / 2;
    this.state.end = next >= Date.now() ? '' : formatEnd(next);
    this.endInput.value = this.state.end;
    saveUrl();
    this.execute();
  }

  async execute() {
    const s = this.state;
    if (this.abort) this.abort.abort();
    if (!s.expr.trim()) return;
    this.abort = new AbortController();
    // A newer execute() supersedes this one even if its answer already arrived.
    const run = (this.runs = (this.runs || 0) + 1);
    const endMs = parseEnd(s.end) ?? Date.now();
    const rangeSec = parseDuration(s.range);
    const endSec = endMs / 1000;
    const startSec = endSec - rangeSec;
    // Prometheus' default resolution: about 250 points across the range.
    const step = parseFloat(s.step) > 0 ? parseFloat(s.step) : Math.max(Math.floor(rangeSec / 250), 1);
    const stats = s.stats ? 'all' : undefined;
    const began = performance.now();
    this.out.replaceChildren(el('div', { class: 'loading' }, 'Loading…'));
    this.root.dataset.state = 'loading';
    try {
      const resp = s.tab === 0
        ? await api('/query_range', { query: s.expr, start: startSec, end: endSec, step, stats },
          { signal: this.abort.signal, decoder: () => new RangeDecoder() })
        : await api('/query', { query: s.expr, time: s.end ? endSec : undefined, stats }, { signal: this.abort.signal });
      if (run !== this.runs) return;
      const fetched = performance.now();
      this.destroyPlot();
      const data = resp.data;
      const body = el('div');
      this.out.replaceChildren(...[messages('warnings', resp.warnings), messages('infos', resp.infos), body].filter(Boolean));
      if (s.tab === 0) {
        if (data.resultType !== 'matrix') {
          body.append(el('p', {}, `The graph needs a range vector; the query returned a ${data.resultType}. Use the Table tab.`));
        } else if (!data.result.length) {
          body.append(el('p', { class: 'empty' }, 'Empty query result'));
        } else {
          const graph = el('div', { class: 'graph' });
          body.append(graph);
          this.plot = drawGraph(graph, data.result, { start: startSec, end: endSec, step, stacked: s.stacked });
        }
      } else {
        body.append(data.result.length === 0 && data.resultType !== 'scalar' && data.resultType !== 'string'
          ? el('p', { class: 'empty' }, 'Empty query result') : renderTable(data));
      }
      const drawn = performance.now();
      const count = Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string' ? data.result.length : 1;
      this.out.append(el('p', { class: 'timing' },
        `Load time: ${Math.round(fetched - began)} ms, render: ${Math.round(drawn - fetched)} ms, result series: ${count}, resolution: ${step}s`));
      if (s.stats && data.stats) this.out.append(statsView(data.stats));
      this.root.dataset.state = 'done';
    } catch (e) {
      if (e.name === 'AbortError' || run !== this.runs) return;
      this.destroyPlot();
      const w = e instanceof ApiError ? e : { warnings: [], infos: [] };
      this.out.replaceChildren(...[el('div', { class: 'error' }, `Error executing query: ${e.message}`),
        messages('warnings', w.warnings), messages('infos', w.infos)].filter(Boolean));
      this.root.dataset.state = 'error';
    }
  }

  destroyPlot() {
    if (this.plot) { this.plot._cairnCleanup(); this.plot.destroy(); this.plot = null; }
  }

  destroy() {
    if (this.abort) this.abort.abort();
    this.destroyPlot();
    this.editor.destroy();
    this.root.remove();
  }
}

function addPanel(state) {
  const p = new Panel(state);
  panels.push(p);
  pageEl.querySelector('.panels').append(p.root);
  return p;
}

function removePanel(p) {
  p.destroy();
  panels = panels.filter((x) => x !== p);
  if (!panels.length) addPanel(defaultPanel());
  saveUrl();
}

export async function queryPage(page) {
  pageEl = page;
  page.append(el('div', { class: 'panels' }),
    el('button', { class: 'add-panel', onclick: () => { addPanel(defaultPanel()).editor.focus(); saveUrl(); } }, 'Add panel'));
  for (const state of decodePanels(location.search)) addPanel(state).execute();
  saveUrl();
  // The browser test and the bench read the drawn plots through this.
  window.cairnPanels = () => panels.map((p) => ({
    state: { ...p.state }, status: p.root.dataset.state || 'idle', series: p.plot ? p.plot.series.length - 1 : null,
    xRange: p.plot ? [p.plot.scales.x.min, p.plot.scales.x.max] : null,
  }));
}

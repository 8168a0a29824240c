// Grafana dashboard JSON -> panel models, on a small dashboard and on the
// seed's three dashboards of deploy/grafana/dashboards/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardModel, gridStyle, reduceValues } from '../../src/grafana/model.js';
import { parseVariableQuery } from '../../src/grafana/variables.js';
import { ALL, interpolate, referencedNames } from '../../src/grafana/interpolate.js';
import { builtinVariables } from '../../src/grafana/time.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'grafana', 'dashboards');
const seed = Object.fromEntries(readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8'))]));

test('a small dashboard: panels, units, thresholds, legacy graph, rows, variables', () => {
  const m = dashboardModel({
    uid: 'u', title: 'T', time: { from: 'now-3h', to: 'now' }, refresh: '1m',
    templating: { list: [
      { name: 'ds', type: 'datasource', query: 'prometheus' },
      { name: 'job', type: 'query', query: { query: 'label_values(job)' }, multi: true, includeAll: true, current: { value: '$__all' } },
      { name: 'env', type: 'custom', query: 'prod, staging', current: { value: 'prod' } },
    ] },
    panels: [
      { id: 1, type: 'stat', title: 'S', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ expr: 'up', refId: 'A' }],
        fieldConfig: { defaults: { unit: 'percentunit', decimals: 1, min: 0, max: 1, thresholds: { mode: 'percentage', steps: [{ value: null, color: 'red' }] } } },
        options: { reduceOptions: { calcs: ['mean'] } } },
      { id: 2, type: 'graph', title: 'G', gridPos: { x: 6, y: 0, w: 18, h: 8 }, yaxes: [{ format: 'bytes', min: '0' }], stack: true,
        targets: [{ expr: 'a', refId: 'A' }, { expr: 'b', refId: 'B', hide: true }, { refId: 'C' }] },
      { id: 3, type: 'row', title: 'R', collapsed: true, gridPos: { x: 0, y: 8, w: 24, h: 1 },
        panels: [{ id: 4, type: 'piechart', title: 'P', gridPos: { x: 0, y: 9, w: 8, h: 8 }, targets: [{ expr: 'x', instant: true }] }] },
    ],
  });
  assert.equal(m.title, 'T');
  assert.deepEqual(m.time, { from: 'now-3h', to: 'now' });
  assert.deepEqual(m.variables.map((v) => [v.name, v.value]), [['job', [ALL]], ['env', ['prod']]]);
  assert.deepEqual(m.variables[1].options.map((o) => o.value), ['prod', 'staging']);
  const [stat, graph, row, pie] = m.panels;
  assert.equal(stat.unit, 'percentunit');
  assert.equal(stat.decimals, 1);
  assert.equal(stat.thresholds.mode, 'percentage');
  assert.equal(stat.reduce, 'mean');
  assert.equal(graph.unit, 'bytes');
  assert.equal(graph.min, 0);
  assert.equal(graph.stacked, true);
  assert.deepEqual(graph.targets.map((t) => t.expr), ['a']);
  assert.equal(row.type, 'row');
  assert.equal(pie.type, 'unsupported');
  assert.equal(pie.targets[0].instant, true);
  assert.equal(gridStyle(graph.grid), 'grid-column: 7 / span 18; grid-row: 1 / span 8;');
  assert.throws(() => dashboardModel({ title: 'x' }), /no "panels"/);
});

test('reducers', () => {
  assert.equal(reduceValues([1, null, 3, null]), 3);
  assert.equal(reduceValues([1, null, 3, null], 'last'), null);
  assert.equal(reduceValues([1, 2, 3], 'mean'), 2);
  assert.equal(reduceValues([1, 5, 3], 'max'), 5);
  assert.equal(reduceValues([null], 'mean'), null);
});

test('the seed dashboards are there, Grafana JSON with the datasource by variable', () => {
  assert.deepEqual(Object.keys(seed).sort(), ['api-gateway.json', 'database.json', 'system-overview.json']);
  for (const [f, d] of Object.entries(seed)) {
    assert.ok(d.schemaVersion >= 37, `${f}: schemaVersion ${d.schemaVersion}`);
    assert.ok(d.uid && d.title, f);
    const dsVar = d.templating.list.find((v) => v.type === 'datasource');
    assert.equal(dsVar.query, 'prometheus', f);
    for (const p of d.panels) {
      assert.equal(p.datasource.uid, `\${${dsVar.name}}`, `${f} panel ${p.title}`);
      for (const t of p.targets) assert.equal(t.datasource.uid, `\${${dsVar.name}}`, `${f} panel ${p.title}`);
    }
  }
});

test('the seed dashboards convert: every panel drawn, every query substitutes fully', () => {
  const types = new Set();
  const units = new Set();
  const modes = new Set();
  const kinds = new Set();
  for (const [f, d] of Object.entries(seed)) {
    const m = dashboardModel(d);
    const vars = {};
    for (const v of m.variables) {
      const parsed = parseVariableQuery(v.query);
      assert.ok(parsed, `${f}: variable ${v.name} query ${v.query}`);
      kinds.add(parsed.kind);
      vars[v.name] = { ...v, value: [ALL], options: [{ text: 'x', value: 'x' }, { text: 'y', value: 'y' }] };
    }
    const { vars: builtins } = builtinVariables(0, 3600000, 800);
    for (const p of m.panels) {
      assert.notEqual(p.type, 'unsupported', `${f}: ${p.title}`);
      assert.ok(p.targets.length, `${f}: ${p.title} has queries`);
      types.add(p.type);
      units.add(p.unit);
      modes.add(p.thresholds.mode);
      for (const t of p.targets) {
        const expr = interpolate(t.expr, vars, builtins);
        assert.deepEqual([...referencedNames(expr)], [], `${f}: ${p.title}: ${expr}`);
      }
      assert.ok(p.grid.x + p.grid.w <= 24, `${f}: ${p.title} fits the grid`);
    }
  }
  for (const t of ['timeseries', 'graph', 'stat', 'gauge', 'bargauge', 'table']) assert.ok(types.has(t), `panel type ${t}`);
  for (const u of ['percent', 'percentunit', 'bytes', 's', 'ms', 'reqps', 'short']) assert.ok(units.has(u), `unit ${u}`);
  assert.deepEqual([...modes].sort(), ['absolute', 'percentage']);
  assert.deepEqual([...kinds].sort(), ['label_values', 'query_result']);
});

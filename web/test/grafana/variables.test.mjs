// Variable queries, their regex and sort, substitution with Grafana's
// multi-value and All semantics, and the built-in interval variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyRegexAndSort, parseVariableQuery, queryResultText, reconcileSelection, resolveVariables,
} from '../../src/grafana/variables.js';
import { ALL, interpolate, legendText, regexEscape } from '../../src/grafana/interpolate.js';
import { builtinVariables, formatInterval, parseTime, roundInterval } from '../../src/grafana/time.js';

test('variable queries are parsed', () => {
  assert.deepEqual(parseVariableQuery('label_values(job)'), { kind: 'label_values', match: null, label: 'job' });
  assert.deepEqual(parseVariableQuery('label_values(up{job=~"$job"}, instance)'),
    { kind: 'label_values', match: 'up{job=~"$job"}', label: 'instance' });
  assert.deepEqual(parseVariableQuery({ query: 'query_result(sum by (x) (up))' }), { kind: 'query_result', expr: 'sum by (x) (up)' });
  assert.deepEqual(parseVariableQuery('label_names()'), { kind: 'label_names' });
  assert.equal(parseVariableQuery('up'), null);
});

test('query_result lines are written as Grafana writes them', () => {
  assert.equal(queryResultText({ metric: { __name__: 'pg_up', instance: 'db:9187', datname: 'app' }, value: [1700000000.5, '1'] }),
    'pg_up{instance="db:9187",datname="app"} 1 1700000000500');
});

test('regex: non-matching values drop, a capture group is the value, duplicates go', () => {
  const lines = ['x{datname="app",i="1"} 3 1', 'x{datname="postgres",i="1"} 1 1', 'x{datname="app",i="2"} 1 1', 'y{} 1 1'];
  assert.deepEqual(applyRegexAndSort(lines, '/datname="([^"]+)"/').map((o) => o.value), ['app', 'postgres']);
  assert.deepEqual(applyRegexAndSort(['a1', 'b2', 'a3'], '/^a/').map((o) => o.value), ['a1', 'a3']);
  const named = applyRegexAndSort(['id=7 name=seven'], '/id=(?<value>\\d+) name=(?<text>\\w+)/');
  assert.deepEqual(named, [{ text: 'seven', value: '7' }]);
});

test('sort: alphabetical, numerical, descending', () => {
  const vals = ['b10', 'a2', 'C1'];
  assert.deepEqual(applyRegexAndSort(vals, '', 0).map((o) => o.value), ['b10', 'a2', 'C1']);
  assert.deepEqual(applyRegexAndSort(vals, '', 1).map((o) => o.value), ['C1', 'a2', 'b10']);
  assert.deepEqual(applyRegexAndSort(vals, '', 2).map((o) => o.value), ['b10', 'a2', 'C1']);
  assert.deepEqual(applyRegexAndSort(vals, '', 3).map((o) => o.value), ['C1', 'a2', 'b10']);
  assert.deepEqual(applyRegexAndSort(vals, '', 4).map((o) => o.value), ['b10', 'a2', 'C1']);
  assert.deepEqual(applyRegexAndSort(vals, '', 5).map((o) => o.value), ['a2', 'b10', 'C1']);
});

const opts = (...xs) => xs.map((x) => ({ text: x, value: x }));

test('substitution: $var, ${var}, [[var]], single and multi values', () => {
  const vars = {
    job: { value: ['api'], options: opts('api', 'web'), multi: false, includeAll: false },
    inst: { value: ['a:1', 'b.2'], options: opts('a:1', 'b.2', 'c'), multi: true, includeAll: true },
  };
  assert.equal(interpolate('up{job="$job"}', vars), 'up{job="api"}');
  assert.equal(interpolate('up{job="${job}"}', vars), 'up{job="api"}');
  assert.equal(interpolate('up{job="[[job]]"}', vars), 'up{job="api"}');
  // Several values: each regex-escaped, then (a|b).
  assert.equal(interpolate('up{instance=~"$inst"}', vars), 'up{instance=~"(a:1|b\\\\.2)"}');
  assert.equal(interpolate('${inst:pipe}', vars), 'a:1|b.2');
  assert.equal(interpolate('${inst:csv}', vars), 'a:1,b.2');
  // One value of a multi variable is still escaped, without parentheses.
  vars.inst.value = ['b.2'];
  assert.equal(interpolate('$inst', vars), 'b\\\\.2');
  // Unknown names stay as written.
  assert.equal(interpolate('$nope ${nope} [[nope]]', vars), '$nope ${nope} [[nope]]');
  assert.equal(regexEscape('a+b'), 'a\\\\+b');
});

test('All: every option as (a|b|c), or the custom allValue raw', () => {
  const v = { value: [ALL], options: opts('a', 'b', 'c'), multi: true, includeAll: true };
  assert.equal(interpolate('x{l=~"$v"}', { v }), 'x{l=~"(a|b|c)"}');
  v.allValue = '.+';
  assert.equal(interpolate('x{l=~"$v"}', { v }), 'x{l=~".+"}');
});

test('built-ins: interval from range and width, rate interval, range', () => {
  const hour = 3600000;
  const b = builtinVariables(0, hour, 1000);
  // 3.6 s raw -> rounded to 5 s, but at least the 15 s scrape interval.
  assert.equal(b.intervalMs, 15000);
  assert.equal(b.vars.__interval, '15s');
  assert.equal(b.vars.__rate_interval, '1m');
  assert.equal(b.vars.__range, '3600s');
  assert.equal(b.vars.__range_s, '3600');
  const day = builtinVariables(0, 24 * hour, 500);
  // 172.8 s raw: Grafana's table rounds it to 2m; rate interval 2m + 15s.
  assert.equal(day.intervalMs, 120000);
  assert.equal(day.vars.__interval, '2m');
  assert.equal(day.vars.__rate_interval, '135s');
  assert.equal(interpolate('rate(x[$__rate_interval]) [$__interval] $__range', {}, b.vars), 'rate(x[1m]) [15s] 3600s');
  assert.equal(roundInterval(40000), 30000);
  assert.equal(formatInterval(135000), '135s');
});

test('time: now-relative ranges and rounding', () => {
  const now = Date.UTC(2026, 0, 2, 12, 30, 0);
  assert.equal(parseTime('now', now), now);
  assert.equal(parseTime('now-1h', now), now - 3600000);
  assert.equal(parseTime('now-1d/d', now), Date.UTC(2026, 0, 1));
  assert.equal(parseTime('now/d', now, true), Date.UTC(2026, 0, 3) - 1);
  assert.equal(parseTime('1700000000000', now), 1700000000000);
});

test('legend format uses the series labels', () => {
  assert.equal(legendText('{{instance}} {{ mountpoint }}', { instance: 'n1', mountpoint: '/' }), 'n1 /');
  assert.equal(legendText('{{missing}}x', {}), 'x');
});

test('a selection keeps offered values, else falls back to All or the first', () => {
  assert.deepEqual(reconcileSelection({ value: ['b', 'z'], multi: true, includeAll: true }, opts('a', 'b')), ['b']);
  assert.deepEqual(reconcileSelection({ value: ['z'], multi: true, includeAll: true }, opts('a')), [ALL]);
  assert.deepEqual(reconcileSelection({ value: ['z'], multi: false, includeAll: false }, opts('a', 'b')), ['a']);
});

test('resolveVariables runs queries in dependency order, substituting the earlier ones', async () => {
  const calls = [];
  const fake = async (path, params) => {
    calls.push([path, params]);
    if (path === '/label/job/values') return { data: ['api', 'web'] };
    if (path === '/series') return { data: [{ instance: 'i1' }, { instance: 'i2' }, { instance: 'i1' }] };
    if (path === '/query') return { data: { resultType: 'vector', result: [{ metric: { __name__: 'm', datname: 'app' }, value: [1, '2'] }] } };
    throw new Error(path);
  };
  const variables = [
    { name: 'instance', type: 'query', query: 'label_values(up{job=~"$job"}, instance)', regex: '', sort: 1, multi: true, includeAll: true, value: [ALL], options: [] },
    { name: 'job', type: 'query', query: 'label_values(job)', regex: '', sort: 0, multi: false, includeAll: false, value: ['web'], options: [] },
    { name: 'db', type: 'query', query: 'query_result(m{instance=~"$instance"})', regex: '/datname="([^"]+)"/', sort: 0, multi: false, includeAll: false, value: [], options: [] },
  ];
  const byName = await resolveVariables(variables, fake, 100, 200);
  assert.deepEqual(calls.map((c) => c[0]), ['/label/job/values', '/series', '/query']);
  assert.equal(calls[1][1]['match[]'], 'up{job=~"web"}');
  assert.equal(calls[2][1].query, 'm{instance=~"(i1|i2)"}');
  assert.deepEqual(byName.instance.options.map((o) => o.value), ['i1', 'i2']);
  assert.deepEqual(byName.db.value, ['app']);
});

// decodeRangeResponse: the same answer as JSON.parse, with each series'
// values as Float64Arrays, for the forms Prometheus' API writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRangeResponse, RangeDecoder } from '../../src/matrix_decode.js';
import { alignMatrix } from '../../src/align.js';

function same(text) {
  const want = JSON.parse(text);
  const got = decodeRangeResponse(text);
  const strip = (j) => JSON.parse(JSON.stringify(j, (k, v) => (k === 'values' || k === 'ts' || k === 'vs' ? undefined : v)));
  assert.deepEqual(strip(got), strip(want));
  want.data.result.forEach((s, i) => {
    const g = got.data.result[i];
    if (!s.values) return;
    assert.deepEqual([...g.ts], s.values.map((p) => p[0]));
    g.vs.forEach((v, k) => {
      const x = { '+Inf': Infinity, '-Inf': -Infinity }[s.values[k][1]] ?? Number(s.values[k][1]);
      if (Number.isNaN(x)) assert.ok(Number.isNaN(v));
      else assert.ok(v === x || Math.abs(v - x) <= Math.abs(x) * 4e-16, `${v} vs ${s.values[k][1]}`);
    });
  });
  return got;
}

test('a matrix: labels, timestamps with fractions, every number form', () => {
  const got = same(JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { __name__: 'x', a: 'say "values":[1] }' }, values: [[1700000000, '1'], [1700000015.5, '-2.5'], [1700000030.25, '3.4653465346534653']] },
        { metric: {}, values: [[1, 'NaN'], [2, '+Inf'], [3, '-Inf'], [4, '1e-7'], [5, '6.02e+23'], [6, '0'], [7, '-0.000001'], [8, '12345678901234567890']] },
        { metric: { b: '1' }, values: [] },
        { metric: { h: 'native' }, histograms: [[1, { count: '2', sum: '3', buckets: [[0, '0', '1', '2']] }]] },
      ],
    },
    warnings: ['w'],
    infos: ['i'],
  }));
  assert.equal(got.data.result[0].metric.a, 'say "values":[1] }');
  assert.equal(got.data.result[1].vs[1], Infinity);
  assert.equal(got.data.result[1].vs[2], -Infinity);
  assert.equal(got.data.result[2].ts.length, 0);
  assert.deepEqual(got.warnings, ['w']);
  assert.ok(got.data.result[3].histograms);
});

test('answers without values go to JSON.parse unchanged', () => {
  const err = '{"status":"error","errorType":"bad_data","error":"parse error"}';
  assert.deepEqual(decodeRangeResponse(err), JSON.parse(err));
  const vec = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}}';
  assert.deepEqual(decodeRangeResponse(vec), JSON.parse(vec));
});

test('malformed values are an error, not a wrong graph', () => {
  assert.throws(() => decodeRangeResponse('{"data":{"result":[{"values":[[1,2]]}]}}'), SyntaxError);
  assert.throws(() => decodeRangeResponse('{"data":{"result":[{"values":[[1,"2"]x]}]}}'), SyntaxError);
});

test('alignMatrix puts decoded and parsed series on the same grid', () => {
  const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[10, '1'], [30, 'NaN'], [40, '4']] }] } });
  const a = alignMatrix(JSON.parse(text).data.result, 10, 40, 10);
  const b = alignMatrix(decodeRangeResponse(text).data.result, 10, 40, 10);
  assert.deepEqual(b.ys, [[1, null, null, 4]]);
  assert.deepEqual(b.ys, a.ys);
  assert.deepEqual([...b.xs], [10, 20, 30, 40]);
});

test('pushed in pieces of any size (cut inside keys, numbers, UTF-8) it decodes the same', () => {
  const result = [];
  for (let i = 0; i < 7; i++) {
    result.push({ metric: { __name__: 'm', city: 'Zürich ✓', i: String(i) }, values: Array.from({ length: 1500 + i * 300 }, (_, k) => [1700000000 + 15 * k, String((k * (i + 1)) / 7)]) });
  }
  const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, infos: ['x'] });
  const bytes = new TextEncoder().encode(text);
  const whole = decodeRangeResponse(text);
  for (const size of [1, 7, 10, 11, 4096, 65536]) {
    const d = new RangeDecoder();
    for (let o = 0; o < bytes.length; o += size) d.push(bytes.subarray(o, o + size));
    const got = d.finish();
    assert.equal(got.data.result.length, 7, `pieces of ${size}`);
    got.data.result.forEach((s, i) => {
      assert.deepEqual(s.metric, whole.data.result[i].metric);
      assert.deepEqual([...s.ts], [...whole.data.result[i].ts], `pieces of ${size}, series ${i}`);
      assert.deepEqual([...s.vs], [...whole.data.result[i].vs], `pieces of ${size}, series ${i}`);
    });
    assert.deepEqual(got.infos, ['x']);
  }
  // Values equal to JSON.parse's.
  const parsed = JSON.parse(text).data.result;
  whole.data.result.forEach((s, i) => s.vs.forEach((v, k) => {
    const x = +parsed[i].values[k][1];
    assert.ok(Math.abs(v - x) <= Math.abs(x) * 4e-16, `${v} vs ${x}`);
  }));
});

test('an answer cut short is an error', () => {
  const d = new RangeDecoder();
  d.push(new TextEncoder().encode('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"],[2,'));
  assert.throws(() => d.finish(), SyntaxError);
});

test('random numbers in every form decode as Number() reads them (differential, seeded)', () => {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const forms = [
    () => String(Math.floor(rnd() * 1e6)),
    () => String(rnd() * 1000),
    () => String(-rnd() * 1e-5),
    () => (rnd() * 1e30).toExponential(),
    () => String(rnd()).slice(0, 3 + Math.floor(rnd() * 16)),
    () => ['NaN', '+Inf', '-Inf', '0', '-0'][Math.floor(rnd() * 5)],
    () => String(Math.floor(rnd() * 1e17) * 1000),
  ];
  const values = [];
  for (let k = 0; k < 5000; k++) values.push([1700000000 + k * 0.25, forms[Math.floor(rnd() * forms.length)]()]);
  const got = decodeRangeResponse(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }));
  const s = got.data.result[0];
  values.forEach(([t, v], k) => {
    const x = { '+Inf': Infinity, '-Inf': -Infinity }[v] ?? Number(v);
    assert.equal(s.ts[k], t);
    if (Number.isNaN(x)) assert.ok(Number.isNaN(s.vs[k]), v);
    else assert.ok(s.vs[k] === x || Math.abs(s.vs[k] - x) <= Math.abs(x) * 4e-16, `${v}: ${s.vs[k]} vs ${x}`);
  });
});

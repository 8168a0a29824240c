// Thresholds -> colours: absolute and percentage steps, named colours, gauge bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorFor, cssColor, thresholdBands, thresholdSteps } from '../../src/grafana/thresholds.js';

const abs = { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 80, color: 'orange' }, { value: 95, color: 'red' }] };

test('absolute steps pick the highest step at or below the value', () => {
  assert.equal(colorFor(10, abs), cssColor('green'));
  assert.equal(colorFor(80, abs), cssColor('orange'));
  assert.equal(colorFor(94.9, abs), cssColor('orange'));
  assert.equal(colorFor(99, abs), cssColor('red'));
  assert.equal(colorFor(-5, abs), cssColor('green'));
});

test('percentage steps compare the value\'s place between min and max', () => {
  const pct = { mode: 'percentage', steps: [{ value: null, color: 'green' }, { value: 80, color: 'yellow' }, { value: 90, color: 'red' }] };
  assert.equal(colorFor(0.5, pct, 0, 1), cssColor('green'));
  assert.equal(colorFor(0.85, pct, 0, 1), cssColor('yellow'));
  assert.equal(colorFor(0.95, pct, 0, 1), cssColor('red'));
  assert.equal(colorFor(850, pct, 0, 1000), cssColor('yellow'));
  // The same value in absolute mode stays below 80.
  assert.equal(colorFor(0.95, { ...pct, mode: 'absolute' }), cssColor('green'));
});

test('steps are sorted, the base is -Infinity, colours resolved', () => {
  const steps = thresholdSteps({ steps: [{ value: 5, color: '#123456' }, { value: null, color: 'blue' }] });
  assert.deepEqual(steps, [{ value: -Infinity, color: '#5794F2' }, { value: 5, color: '#123456' }]);
  assert.equal(cssColor('dark-red'), '#C4162A');
  assert.equal(cssColor('rgb(1, 2, 3)'), 'rgb(1, 2, 3)');
});

test('gauge bands cover min..max', () => {
  assert.deepEqual(thresholdBands(abs, 0, 100).map((b) => [b.from, b.to]), [[0, 80], [80, 95], [95, 100]]);
  const pct = { mode: 'percentage', steps: [{ value: null, color: 'green' }, { value: 50, color: 'red' }] };
  assert.deepEqual(thresholdBands(pct, 0, 2).map((b) => [b.from, b.to]), [[0, 1], [1, 2]]);
});

// Grafana's unit formatting: scaling, suffixes and automatic decimals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoDecimals, formatText, formatValue, toFixed } from '../../src/grafana/units.js';

test('automatic decimals give three significant digits, none for integers', () => {
  assert.equal(autoDecimals(1.5), 2);
  assert.equal(autoDecimals(0.123), 3);
  assert.equal(autoDecimals(123.4), 0);
  assert.equal(autoDecimals(42), 0);
  assert.equal(toFixed(1.5), '1.50');
  assert.equal(toFixed(3.14159), '3.14');
  assert.equal(toFixed(0), '0');
  assert.equal(toFixed(2, 2), '2.00');
});

test('bytes scale by 1024 with IEC suffixes', () => {
  assert.equal(formatText(512, 'bytes'), '512 B');
  assert.equal(formatText(1536, 'bytes'), '1.50 KiB');
  assert.equal(formatText(3 * 1024 ** 3, 'bytes'), '3 GiB');
  assert.equal(formatText(1.25 * 1024 ** 2, 'bytes', 1), '1.3 MiB');
  assert.equal(formatText(2000, 'decbytes'), '2 kB');
});

test('seconds become ms, µs below one and min, hours above', () => {
  assert.equal(formatText(0.25, 's'), '250 ms');
  assert.equal(formatText(0.00042, 's'), '420 µs');
  assert.equal(formatText(12.5, 's'), '12.5 s');
  assert.equal(formatText(90, 's'), '1.50 mins');
  assert.equal(formatText(7200, 's'), '2 hours');
  assert.equal(formatText(60, 's'), '1 min');
  assert.equal(formatText(2 * 86400, 's'), '2 days');
});

test('milliseconds become s, min above a thousand, and stay ms below one', () => {
  assert.equal(formatText(250, 'ms'), '250 ms');
  assert.equal(formatText(1500, 'ms'), '1.50 s');
  assert.equal(formatText(120000, 'ms'), '2 mins');
  assert.equal(formatText(0.5, 'ms'), '0.500 ms');
  assert.equal(formatText(0, 'ms'), '0 ms');
  assert.equal(formatText(0, 's'), '0 s');
});

test('percent, percentunit, short, reqps', () => {
  assert.equal(formatText(42.123, 'percent'), '42.1%');
  assert.equal(formatText(0.42, 'percentunit'), '42%');
  assert.equal(formatText(0.0123, 'percentunit', 2), '1.23%');
  assert.equal(formatText(1234, 'short'), '1.23 K');
  assert.equal(formatText(5.6e6, 'short'), '5.60 Mil');
  assert.equal(formatText(12, 'short'), '12');
  assert.equal(formatText(1500, 'reqps'), '1.50K req/s');
  assert.equal(formatText(3.2, 'reqps'), '3.20 req/s');
});

test('missing values, infinities and custom units', () => {
  assert.deepEqual(formatValue(null, 'bytes'), { text: '-', suffix: '' });
  assert.deepEqual(formatValue(NaN, 's'), { text: '-', suffix: '' });
  assert.equal(formatText(Infinity, 'short'), '+Inf');
  assert.equal(formatText(7, 'widgets'), '7 widgets');
});

// Draws a range query's matrix with uPlot: one line per series on a shared
// time grid (start..end by step), legend with hover values, drag to zoom
// (double-click resets), optionally stacked.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatSeries } from './api.js';
import { alignMatrix } from './align.js';

export function seriesColor(i) {
  // Golden-angle hues keep neighbouring series apart for any count.
  return `hsl(${(i * 137.508) % 360}, 65%, 45%)`;
}

function stack(ys) {
  const out = [];
  let acc = null;
  for (const y of ys) {
    const s = y.map((v, i) => (v === null ? (acc ? acc[i] : null) : v + (acc && acc[i] !== null ? acc[i] : 0)));
    out.push(s);
    acc = s;
  }
  return out;
}

function formatValue(v) {
  if (v === null || v === undefined) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return String(Math.round(v * 1000) / 1000);
}

// Returns the uPlot instance (the browser test reads its series count).
export function drawGraph(container, result, { start, end, step, stacked }) {
  const { xs, ys } = alignMatrix(result, start, end, step);
  const drawn = stacked ? stack(ys) : ys;
  const series = [{ label: 'Time' }];
  result.forEach((s, i) => {
    const color = seriesColor(i);
    series.push({
      label: formatSeries(s.metric),
      stroke: color,
      width: 1,
      fill: stacked ? color.replace('hsl', 'hsla').replace(')', ', 0.35)') : undefined,
      points: { show: false },
      spanGaps: false,
      // The legend shows the series' own value, also when stacked.
      value: (u, v, si, di) => formatValue(di === null || di === undefined ? v : ys[si - 1][di]),
    });
  });
  const bands = [];
  if (stacked) for (let i = 2; i <= result.length; i++) bands.push({ series: [i, i - 1] });
  const width = Math.max(container.clientWidth, 400);
  const opts = {
    width,
    height: 400,
    series,
    bands,
    scales: { x: { time: true } },
    axes: [{}, { size: 70, values: (u, vals) => vals.map(formatValue) }],
    cursor: { drag: { x: true, y: false }, focus: { prox: 16 } },
    focus: { alpha: 0.3 },
    legend: { live: true },
  };
  const plot = new uPlot(opts, [xs, ...drawn], container);
  const onResize = () => plot.setSize({ width: Math.max(container.clientWidth, 400), height: 400 });
  window.addEventListener('resize', onResize);
  plot._cairnCleanup = () => window.removeEventListener('resize', onResize);
  return plot;
}

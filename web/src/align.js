// The series of a range query on the step grid that uPlot draws (no DOM, so
// node's tests load it).

// A sample value as the API writes it ("1.5"); NaN and ±Inf cannot be drawn
// (they would break the scale's range) and become gaps.
function sampleValue(v) {
  const x = +v;
  return Number.isFinite(x) ? x : null;
}

// Aligns the series on the step grid; a missing sample stays null (a gap).
// A series is { values: [[t, "v"], ...] } as JSON.parse gives it, or
// { ts, vs } (Float64Arrays) from decodeRangeResponse.
export function alignMatrix(result, startSec, endSec, stepSec) {
  const n = Math.floor((endSec - startSec) / stepSec + 1e-9) + 1;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = startSec + i * stepSec;
  // Indexed loops: this runs over every point (1M for 100 x 10,000).
  const ys = result.map((s) => {
    const y = new Array(n).fill(null);
    if (s.ts) {
      const { ts, vs } = s;
      for (let k = 0; k < ts.length; k++) {
        const i = Math.round((ts[k] - startSec) / stepSec);
        const v = vs[k];
        // NaN and ±Inf cannot be drawn (they would break the scale's range): gaps.
        if (i >= 0 && i < n && v - v === 0) y[i] = v;
      }
      return y;
    }
    const values = s.values || [];
    for (let k = 0; k < values.length; k++) {
      const p = values[k];
      const i = Math.round((p[0] - startSec) / stepSec);
      if (i >= 0 && i < n) y[i] = sampleValue(p[1]);
    }
    return y;
  });
  return { xs, ys };
}


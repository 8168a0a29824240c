// Grafana's time range and intervals: "now-1h" style ranges, the query
// interval ($__interval) from the range and the panel's width with Grafana's
// rounding, $__rate_interval, and the refresh periods.

const UNIT_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, M: 2592000000, y: 31536000000 };

// "15s", "1h30m", "2d" -> milliseconds; null when not a duration.
export function parseGrafanaDuration(text) {
  const s = String(text || '').trim();
  if (!s) return null;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)/gy;
  let total = 0;
  let pos = 0;
  let m;
  while ((m = re.exec(s)) !== null) {
    total += parseFloat(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : null;
}

// "now", "now-6h", "now-1d/d" (rounded to the unit, UTC) or epoch ms -> ms.
export function parseTime(text, now = Date.now(), roundUp = false) {
  const s = String(text).trim();
  if (/^\d+$/.test(s)) return parseInt(s, 10);
  const m = /^now(?:([+-])(\d+)(ms|s|m|h|d|w|M|y))?(?:\/(s|m|h|d|w|M|y))?$/.exec(s);
  if (!m) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  let t = now;
  if (m[1]) t += (m[1] === '-' ? -1 : 1) * parseInt(m[2], 10) * UNIT_MS[m[3]];
  if (m[4]) {
    const unit = UNIT_MS[m[4]];
    t = Math.floor(t / unit) * unit + (roundUp ? unit - 1 : 0);
  }
  return t;
}

// Grafana's rounding of a raw interval (ms) to a "nice" one (kbn.roundInterval).
const ROUNDING = [
  [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
  [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [210000, 120000],
  [450000, 300000], [750000, 600000], [1050000, 900000], [1500000, 1200000], [2700000, 1800000],
  [5400000, 3600000], [9000000, 7200000], [16200000, 10800000], [32400000, 21600000], [86400000, 43200000],
  [604800000, 86400000], [1814400000, 604800000], [3628800000, 2592000000],
];
export function roundInterval(ms) {
  for (const [below, to] of ROUNDING) if (ms < below) return to;
  return 31536000000;
}

// 60000 -> "1m", 1500 -> "1500ms": the largest unit that divides it.
export function formatInterval(ms) {
  for (const [u, n] of [['y', 31536000000], ['w', 604800000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]]) {
    if (ms >= n && ms % n === 0) return `${ms / n}${u}`;
  }
  return `${Math.round(ms)}ms`;
}

// The built-in variables of one panel's queries, as Grafana computes them:
// interval = range / max data points (the panel's width in pixels), rounded,
// at least the datasource's scrape interval (its timeInterval, 15s here) or
// the panel's own minimum; rate interval = max(interval + scrape, 4 × scrape).
export function builtinVariables(fromMs, toMs, maxDataPoints, { scrapeMs = 15000, minIntervalMs = null } = {}) {
  const floor = Math.max(scrapeMs, minIntervalMs || 0);
  const raw = (toMs - fromMs) / Math.max(1, maxDataPoints);
  const intervalMs = Math.max(roundInterval(raw), floor);
  const rateMs = Math.max(intervalMs + scrapeMs, 4 * scrapeMs);
  const rangeS = Math.round((toMs - fromMs) / 1000);
  return {
    intervalMs,
    vars: {
      __interval: formatInterval(intervalMs),
      __interval_ms: String(intervalMs),
      __rate_interval: formatInterval(rateMs),
      __range: `${rangeS}s`,
      __range_s: String(rangeS),
      __range_ms: String(toMs - fromMs),
    },
  };
}

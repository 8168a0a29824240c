// Grafana's value formatting for the units the seed's dashboards use, with its
// scaling and its automatic decimals (@grafana/data valueFormats): a value and
// a unit id give { text, suffix }, shown as text + suffix.

// Grafana's automatic decimals: about two significant digits, one more when
// the leading digits are above 2.25 (so 2.5 keeps its 5), none for integers.
export function autoDecimals(value) {
  const abs = Math.abs(value);
  if (abs === 0 || !Number.isFinite(abs)) return 0;
  let dec = -Math.floor(Math.log10(abs)) + 1;
  const norm = abs / 10 ** -dec;
  if (norm > 2.25) dec++;
  if (value % 1 === 0) dec = 0;
  return Math.max(0, dec);
}

export function toFixed(value, decimals) {
  if (!Number.isFinite(value)) return String(value);
  const d = decimals === undefined || decimals === null ? autoDecimals(value) : decimals;
  if (value === 0) return (0).toFixed(d);
  const factor = d ? 10 ** Math.max(0, d) : 1;
  const text = String(Math.round(value * factor) / factor);
  // Exponential notation (1e-7) is left alone; otherwise pad to the decimals.
  if (text.includes('e') || d === 0) return text;
  const have = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  return have < d ? (have ? text : `${text}.`) + '0'.repeat(d - have) : text;
}

// Divide by `factor` until the value fits the unit list: 1536 bytes -> 1.50 KiB.
function scaled(factor, suffixes) {
  return (value, decimals) => {
    let v = value;
    let i = 0;
    while (Math.abs(v) >= factor && i < suffixes.length - 1) {
      v /= factor;
      i++;
    }
    return { text: toFixed(v, decimals), suffix: suffixes[i] };
  };
}

const short = scaled(1000, ['', ' K', ' Mil', ' Bil', ' Tri', ' Quadr', ' Quint', ' Sext', ' Sept']);
const countUnits = scaled(1000, ['', 'K', 'M', 'B', 'T']);

function countUnit(symbol) {
  return (value, decimals) => {
    const r = countUnits(value, decimals);
    return { text: r.text, suffix: `${r.suffix} ${symbol}` };
  };
}

function fixedUnit(suffix) {
  return (value, decimals) => ({ text: toFixed(value, decimals), suffix });
}

// Grafana writes " mins", " hours"... above 1 (toFixedScaled's plural).
function scaledTime(value, d, suffix) {
  return { text: toFixed(value, d), suffix: Math.abs(value) > 1 ? `${suffix}s` : suffix };
}

// Durations: larger values go up to the next unit, and for s smaller ones
// down to ms, µs, ns, the way Grafana's toSeconds / toMilliSeconds do.
const YEAR_S = 31536000;
function toNanoSeconds(size, d) {
  const a = Math.abs(size);
  if (a < 1000) return { text: toFixed(size, d), suffix: ' ns' };
  if (a < 1e6) return { text: toFixed(size / 1e3, d), suffix: ' µs' };
  if (a < 1e9) return { text: toFixed(size / 1e6, d), suffix: ' ms' };
  return toSeconds(size / 1e9, d);
}

function toMilliSeconds(size, d) {
  const a = Math.abs(size);
  // Grafana's ms does not scale below a millisecond (s does).
  if (a < 1000) return { text: toFixed(size, d), suffix: ' ms' };
  if (a < 60000) return { text: toFixed(size / 1000, d), suffix: ' s' };
  if (a < 3600000) return scaledTime(size / 60000, d, ' min');
  if (a < 86400000) return scaledTime(size / 3600000, d, ' hour');
  if (a < YEAR_S * 1000) return scaledTime(size / 86400000, d, ' day');
  return scaledTime(size / (YEAR_S * 1000), d, ' year');
}

function toSeconds(size, d) {
  const a = Math.abs(size);
  if (a === 0) return { text: toFixed(0, d), suffix: ' s' };
  if (a < 1e-6) return { text: toFixed(size * 1e9, d), suffix: ' ns' };
  if (a < 1e-3) return { text: toFixed(size * 1e6, d), suffix: ' µs' };
  if (a < 1) return { text: toFixed(size * 1e3, d), suffix: ' ms' };
  if (a < 60) return { text: toFixed(size, d), suffix: ' s' };
  if (a < 3600) return scaledTime(size / 60, d, ' min');
  if (a < 86400) return scaledTime(size / 3600, d, ' hour');
  if (a < 604800) return scaledTime(size / 86400, d, ' day');
  if (a < YEAR_S) return scaledTime(size / 604800, d, ' week');
  return scaledTime(size / YEAR_S, d, ' year');
}

const FORMATS = {
  none: fixedUnit(''),
  short,
  percent: fixedUnit('%'),
  percentunit: (v, d) => ({ text: toFixed(100 * v, d), suffix: '%' }),
  // Grafana's "bytes" is IEC: powers of 1024.
  bytes: scaled(1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB', ' EiB', ' ZiB', ' YiB']),
  decbytes: scaled(1000, [' B', ' kB', ' MB', ' GB', ' TB', ' PB', ' EB', ' ZB', ' YB']),
  ns: toNanoSeconds,
  ms: toMilliSeconds,
  s: toSeconds,
  reqps: countUnit('req/s'),
  ops: countUnit('ops/s'),
};

export const knownUnits = Object.keys(FORMATS);

// { text, suffix } for a value; null/NaN give "No data"-style text.
// An unknown unit is a custom suffix, as Grafana shows it.
export function formatValue(value, unit = 'short', decimals = undefined) {
  if (value === null || value === undefined || Number.isNaN(value)) return { text: '-', suffix: '' };
  if (!Number.isFinite(value)) return { text: value > 0 ? '+Inf' : '-Inf', suffix: '' };
  const fmt = FORMATS[unit || 'short'] || fixedUnit(` ${unit}`);
  return fmt(value, decimals);
}

export function formatText(value, unit, decimals) {
  const { text, suffix } = formatValue(value, unit, decimals);
  return text + suffix;
}

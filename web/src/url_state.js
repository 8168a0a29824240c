// The query page's state in the URL, in Prometheus' form:
//   g0.expr=...&g0.tab=0|1&g0.range_input=1h&g0.end_input=2024-01-02 03:04:05
//   &g0.step_input=15&g0.stacked=1&g0.stats=1
// tab 0 is the graph, 1 the table (as Prometheus numbers them); an empty
// end_input means "now".

const UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

// "1h30m" -> 5400 (seconds); null when it is not a Prometheus duration.
export function parseDuration(text) {
  const s = String(text).trim();
  if (!s) return null;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let m;
  let pos = 0;
  while ((m = re.exec(s)) !== null) {
    total += parseInt(m[1], 10) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && total > 0 ? total : null;
}

export function formatDuration(seconds) {
  let rest = Math.round(seconds);
  let out = '';
  for (const [u, n] of [['y', 31536000], ['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out || '0s';
}

// "2024-01-02 03:04:05" (UTC) <-> milliseconds.
export function parseEnd(text) {
  if (!text) return null;
  const ms = Date.parse(`${text.trim().replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function formatEnd(ms) {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function defaultPanel() {
  return { expr: '', tab: 0, range: '1h', end: '', step: '', stacked: false, stats: false };
}

export function decodePanels(search) {
  const params = new URLSearchParams(search);
  const panels = [];
  for (const [key, value] of params) {
    const m = /^g(\d+)\.(\w+)$/.exec(key);
    if (!m) continue;
    const i = parseInt(m[1], 10);
    if (i > 99) continue;
    while (panels.length <= i) panels.push(defaultPanel());
    const p = panels[i];
    switch (m[2]) {
      case 'expr': p.expr = value; break;
      case 'tab': p.tab = value === '1' ? 1 : 0; break;
      case 'range_input': if (parseDuration(value)) p.range = value; break;
      case 'end_input': p.end = parseEnd(value) === null ? '' : value; break;
      case 'step_input': p.step = parseFloat(value) > 0 ? value : ''; break;
      case 'stacked': p.stacked = value === '1'; break;
      case 'stats': p.stats = value === '1'; break;
      default: break;
    }
  }
  return panels.length ? panels : [defaultPanel()];
}

export function encodePanels(panels) {
  const params = new URLSearchParams();
  panels.forEach((p, i) => {
    params.set(`g${i}.expr`, p.expr);
    params.set(`g${i}.tab`, String(p.tab));
    params.set(`g${i}.range_input`, p.range);
    if (p.end) params.set(`g${i}.end_input`, p.end);
    if (p.step) params.set(`g${i}.step_input`, p.step);
    params.set(`g${i}.stacked`, p.stacked ? '1' : '0');
    if (p.stats) params.set(`g${i}.stats`, '1');
  });
  return params.toString();
}

// Talks to Cairn's HTTP API under the route prefix the server wrote into the page.

const meta = document.querySelector('meta[name="cairn-prefix"]');
// "{{PREFIX}}" unreplaced means the page was opened from disk: use the root.
export const prefix = meta && !meta.content.includes('{{') ? meta.content.replace(/\/$/, '') : '';

export class ApiError extends Error {
  constructor(message, errorType, warnings, infos) {
    super(message);
    this.errorType = errorType;
    this.warnings = warnings || [];
    this.infos = infos || [];
  }
}

// GET (or POST for long parameter lists) an /api/v1 endpoint; resolves to the
// whole envelope ({status, data, warnings, infos}) or throws ApiError.
// `decoder` (a factory of an object with push(bytes) and finish() -> envelope,
// e.g. RangeDecoder) replaces JSON.parse and decodes the body as it arrives.
export async function api(path, params = {}, { signal, method, decoder } = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
    else body.append(k, String(v));
  }
  const url = `${prefix}/api/v1${path}`;
  const qs = body.toString();
  const usePost = method === 'POST' || (method === undefined && qs.length > 2000);
  const resp = usePost
    ? await fetch(url, {
        method: 'POST', body: qs, signal,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      })
    : await fetch(qs ? `${url}?${qs}` : url, { signal });
  let json;
  try {
    if (decoder && resp.body) {
      const d = decoder();
      const reader = resp.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        d.push(value);
      }
      json = d.finish();
    } else {
      json = await resp.json();
    }
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(`${resp.status} ${resp.statusText}: the response is not JSON`, 'bad_response');
  }
  if (json.status !== 'success') {
    throw new ApiError(json.error || `${resp.status} ${resp.statusText}`, json.errorType, json.warnings, json.infos);
  }
  return json;
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// {a="b", c="d"} the way Prometheus prints a label set, __name__ first.
export function formatSeries(metric) {
  const name = metric.__name__ || '';
  const labels = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return labels.length || !name ? `${name}{${labels.join(', ')}}` : name;
}

export function table(headers, rows) {
  return el('table', { class: 'data' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
}

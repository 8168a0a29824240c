// Template variables: the query forms of Grafana's Prometheus datasource,
// the variable's regex and sort, and the order they are resolved in.
import { ALL, interpolate, referencedNames } from './interpolate.js';

// label_values(label) | label_values(metric_or_selector, label) |
// query_result(expr) | label_names() | metrics(regex); null otherwise.
export function parseVariableQuery(query) {
  const q = String(typeof query === 'object' && query !== null ? query.query : query || '').trim();
  let m = /^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)\s*$/.exec(q);
  if (m) return { kind: 'label_values', match: m[1] ? m[1].trim() : null, label: m[2] };
  m = /^query_result\((.+)\)\s*$/s.exec(q);
  if (m) return { kind: 'query_result', expr: m[1] };
  if (/^label_names\(\)\s*$/.test(q)) return { kind: 'label_names' };
  m = /^metrics\((.+)\)\s*$/.exec(q);
  if (m) return { kind: 'metrics', regex: m[1] };
  return null;
}

// One query_result line as Grafana writes it: name{k="v",...} value timestampMs.
export function queryResultText(sample) {
  const metric = { ...sample.metric };
  const name = metric.__name__ || '';
  delete metric.__name__;
  const labels = Object.entries(metric).map(([k, v]) => `${k}="${v}"`).join(',');
  return `${name}{${labels}} ${sample.value[1]} ${sample.value[0] * 1000}`;
}

// "/re/flags" -> RegExp (Grafana's stringToJsRegex); a bare text is a regex too.
export function toRegex(text) {
  if (!text) return null;
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(text);
  return m ? new RegExp(m[1], m[2].replace('g', '')) : new RegExp(text);
}

// Grafana's metricNamesToVariableValues: with a regex, a value that does not
// match is dropped; a capture group (or the named groups "text"/"value")
// picks the part shown and used. Duplicates go; then the variable's sort.
export function applyRegexAndSort(values, regexText, sort = 0) {
  const re = toRegex(regexText);
  const out = [];
  const seen = new Set();
  for (const raw of values) {
    let text = raw;
    let value = raw;
    if (re) {
      const m = re.exec(raw);
      if (!m) continue;
      if (m.groups && (m.groups.text !== undefined || m.groups.value !== undefined)) {
        text = m.groups.text ?? m.groups.value;
        value = m.groups.value ?? m.groups.text;
      } else if (m.length > 1 && m[1] !== undefined) {
        text = m[1];
        value = m[1];
      }
    }
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ text, value });
  }
  return sortOptions(out, sort);
}

// Grafana's sort ids: 1/2 alphabetical, 3/4 numerical, 5/6 case-insensitive
// (odd ascending, even descending); 0 keeps the query's order.
export function sortOptions(options, sort) {
  if (!sort) return options;
  const numeric = (t) => {
    const m = /.*?(\d+).*/.exec(t);
    return m ? parseInt(m[1], 10) : -1;
  };
  const key = sort === 3 || sort === 4 ? (o) => numeric(o.text)
    : sort === 5 || sort === 6 ? (o) => o.text.toLowerCase() : (o) => o.text;
  const sorted = [...options].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return sort % 2 === 0 ? sorted.reverse() : sorted;
}

// The raw strings a variable query yields, using `api(path, params)` (the
// /api/v1 client) over the time range [startS, endS].
export async function runVariableQuery(parsed, api, startS, endS) {
  switch (parsed.kind) {
    case 'label_values': {
      if (!parsed.match) {
        const r = await api(`/label/${encodeURIComponent(parsed.label)}/values`, { start: startS, end: endS });
        return r.data;
      }
      const r = await api('/series', { 'match[]': parsed.match, start: startS, end: endS });
      return r.data.map((s) => s[parsed.label]).filter((v) => v !== undefined && v !== '');
    }
    case 'query_result': {
      const r = await api('/query', { query: parsed.expr, time: endS });
      const { resultType, result } = r.data;
      if (resultType === 'scalar' || resultType === 'string') return [String(result[1] ?? '')];
      return result.map(queryResultText);
    }
    case 'label_names':
      return (await api('/labels', { start: startS, end: endS })).data;
    case 'metrics': {
      const re = new RegExp(parsed.regex);
      return (await api('/label/__name__/values', { start: startS, end: endS })).data.filter((n) => re.test(n));
    }
    default:
      return [];
  }
}

// After its options change, a variable keeps the values still offered;
// otherwise it falls back to All (when offered) or the first option.
export function reconcileSelection(variable, options) {
  const cur = Array.isArray(variable.value) ? variable.value : [variable.value];
  if (cur.includes(ALL) && variable.includeAll) return [ALL];
  const offered = new Set(options.map((o) => o.value));
  const kept = cur.filter((v) => offered.has(v));
  if (kept.length) return variable.multi ? kept : [kept[0]];
  if (variable.includeAll) return [ALL];
  return options.length ? [options[0].value] : [];
}

// Resolves the query variables in dependency order: a variable whose query
// names another is run after it, with the other's selection substituted.
export async function resolveVariables(variables, api, startS, endS, builtins = {}) {
  const byName = Object.fromEntries(variables.map((v) => [v.name, v]));
  const done = new Set(variables.filter((v) => v.type !== 'query').map((v) => v.name));
  const pending = variables.filter((v) => v.type === 'query');
  while (pending.length) {
    const i = pending.findIndex((v) => [...referencedNames(v.query)].every((n) => !byName[n] || done.has(n) || n === v.name));
    const v = pending.splice(i < 0 ? 0 : i, 1)[0];
    const parsed = parseVariableQuery(interpolate(v.query, byName, builtins));
    if (!parsed) {
      v.error = `unsupported variable query: ${v.query}`;
      v.options = [];
    } else {
      try {
        const raw = await runVariableQuery(parsed, api, startS, endS);
        v.options = applyRegexAndSort(raw, v.regex, v.sort);
        v.error = null;
      } catch (e) {
        v.options = [];
        v.error = String(e.message || e);
      }
    }
    v.value = reconcileSelection(v, v.options);
    done.add(v.name);
  }
  return byName;
}

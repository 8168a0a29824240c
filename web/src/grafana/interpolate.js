// Template substitution in queries, with Grafana's syntax and its Prometheus
// datasource's formatting:
//   $var  ${var}  ${var:format}  [[var]]  [[var:format]]
// A variable that is neither multi-value nor "include All" is put in as is
// (with \ and ' escaped); otherwise each value is regex-escaped and several
// become "(a|b)". "All" means every option (so "(a|b|c)") or the variable's
// custom allValue, which goes in raw. An unknown name is left alone.
// Built-ins: $__interval, $__interval_ms, $__rate_interval, $__range,
// $__range_s, $__range_ms.

export const ALL = '$__all';

const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

export function regularEscape(v) {
  return String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
}

// Escapes the value for a PromQL regex inside a double-quoted string.
export function regexEscape(v) {
  return String(v).replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

// The values a variable stands for: its selection, with "All" expanded.
export function selectedValues(variable) {
  const cur = Array.isArray(variable.value) ? variable.value : [variable.value];
  if (cur.includes(ALL)) return { all: true, values: (variable.options || []).map((o) => o.value) };
  return { all: false, values: cur.filter((v) => v !== undefined && v !== null) };
}

function formatWith(format, values, variable) {
  switch (format) {
    case 'raw': return values.join(',');
    case 'csv': return values.join(',');
    case 'pipe': return values.join('|');
    case 'regex': return values.length === 1 ? regexEscape(values[0]) : `(${values.map(regexEscape).join('|')})`;
    case 'text': return values.join(' + ');
    default: {
      if (!variable.multi && !variable.includeAll) return values.map(regularEscape).join(',');
      const escaped = values.map(regexEscape);
      return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
    }
  }
}

// The text a variable reference becomes; null leaves the reference as written.
export function variableText(variable, format) {
  const { all, values } = selectedValues(variable);
  if (all && variable.allValue) return variable.allValue;
  if (!values.length) return '';
  return formatWith(format, values, variable);
}

// `vars`: { name: variable } (variable: { value, options, multi, includeAll, allValue }),
// `builtins`: { name: text } for $__interval and the like.
export function interpolate(text, vars, builtins = {}) {
  return String(text).replace(VARIABLE_RE, (match, n1, n2, f2, n3, _field, f3) => {
    const name = n1 || n2 || n3;
    const format = f2 || f3;
    if (Object.prototype.hasOwnProperty.call(builtins, name)) return builtins[name];
    const v = vars[name];
    if (!v) return match;
    return variableText(v, format);
  });
}

// Names a text refers to (to know which variables depend on which).
export function referencedNames(text) {
  const out = new Set();
  for (const m of String(text).matchAll(VARIABLE_RE)) out.add(m[1] || m[2] || m[4]);
  return out;
}

// "{{instance}} {{mountpoint}}" with the series' labels; "__auto" or empty
// gives the series as Prometheus prints it (done by the caller).
export function legendText(format, metric) {
  return String(format).replace(/\{\{\s*(.+?)\s*\}\}/g, (_m, name) => (metric[name] === undefined ? '' : metric[name]));
}

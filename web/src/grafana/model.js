// A Grafana dashboard's JSON -> the models the Dashboards page draws: the
// variables, the time settings, and one model per panel with its queries,
// unit, decimals, min/max, thresholds and place on the 24-column grid.

export const SUPPORTED_PANELS = ['timeseries', 'graph', 'stat', 'gauge', 'bargauge', 'table', 'row', 'text'];

function variableModel(v) {
  const cur = v.current && v.current.value !== undefined ? v.current.value : null;
  let value = cur === null ? [] : Array.isArray(cur) ? cur : [cur];
  if (!value.length && v.includeAll) value = ['$__all'];
  return {
    name: v.name,
    label: v.label || v.name,
    type: v.type,
    query: typeof v.query === 'object' && v.query !== null ? v.query.query || '' : v.query || '',
    regex: v.regex || '',
    sort: v.sort || 0,
    multi: !!v.multi,
    includeAll: !!v.includeAll,
    allValue: v.allValue || null,
    hide: v.hide || 0,
    // A custom or constant variable lists its options itself.
    options: (v.type === 'custom' || v.type === 'constant')
      ? String(v.query || '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => ({ text: s, value: s }))
      : [],
    value,
  };
}

function targetModel(t) {
  return {
    refId: t.refId || 'A',
    expr: t.expr || '',
    legendFormat: t.legendFormat || '',
    // Grafana's table and instant targets ask /api/v1/query; others a range.
    instant: t.instant === true && t.range !== true,
    format: t.format || 'time_series',
    interval: t.interval || '',
    hide: !!t.hide,
  };
}

// The legacy Graph panel keeps its unit and min in yaxes[0], not fieldConfig.
function legacyGraphDefaults(p) {
  const y = (p.yaxes && p.yaxes[0]) || {};
  return { unit: y.format || 'short', decimals: p.decimals ?? y.decimals, min: y.min ?? undefined, max: y.max ?? undefined };
}

export function panelModel(p) {
  const d = (p.fieldConfig && p.fieldConfig.defaults) || {};
  const legacy = p.type === 'graph' ? legacyGraphDefaults(p) : {};
  const num = (x) => (x === null || x === undefined || x === '' ? undefined : Number(x));
  return {
    id: p.id,
    type: SUPPORTED_PANELS.includes(p.type) ? p.type : 'unsupported',
    grafanaType: p.type,
    title: p.title || '',
    description: p.description || '',
    grid: {
      x: p.gridPos?.x ?? 0, y: p.gridPos?.y ?? 0, w: p.gridPos?.w ?? 12, h: p.gridPos?.h ?? 8,
    },
    targets: (p.targets || []).map(targetModel).filter((t) => !t.hide && t.expr),
    unit: legacy.unit || d.unit || 'short',
    decimals: num(legacy.decimals ?? d.decimals),
    min: num(legacy.min ?? d.min),
    max: num(legacy.max ?? d.max),
    thresholds: d.thresholds || { mode: 'absolute', steps: [{ value: null, color: 'green' }] },
    stacked: p.type === 'graph' ? !!p.stack : d.custom?.stacking?.mode === 'normal',
    reduce: p.options?.reduceOptions?.calcs?.[0] || 'lastNotNull',
    orientation: p.options?.orientation || 'auto',
    interval: p.interval || '',
    maxDataPoints: p.maxDataPoints || null,
    content: p.options?.content || p.content || '',
    collapsed: !!p.collapsed,
    panels: (p.panels || []).map(panelModel),
  };
}

// Collapsed rows hold their panels inside; an open row's panels follow it.
function flattenPanels(panels) {
  const out = [];
  for (const p of panels) {
    out.push(p);
    if (p.type === 'row' && p.panels.length) out.push(...p.panels);
  }
  return out;
}

export function dashboardModel(json) {
  if (!json || typeof json !== 'object' || !Array.isArray(json.panels)) {
    throw new Error('not a Grafana dashboard: no "panels" list');
  }
  return {
    uid: json.uid || '',
    title: json.title || json.uid || 'Dashboard',
    description: json.description || '',
    tags: json.tags || [],
    time: { from: json.time?.from || 'now-6h', to: json.time?.to || 'now' },
    refresh: json.refresh || '',
    refreshIntervals: json.timepicker?.refresh_intervals || ['5s', '10s', '30s', '1m', '5m', '15m', '30m', '1h'],
    variables: (json.templating?.list || []).filter((v) => v.type !== 'datasource' && v.type !== 'adhoc').map(variableModel),
    panels: flattenPanels(json.panels.map(panelModel)),
  };
}

// The CSS grid placement of a panel: Grafana's 24 columns, rows of 30 px.
export const GRID_ROW_PX = 30;
export function gridStyle(grid) {
  return `grid-column: ${grid.x + 1} / span ${grid.w}; grid-row: ${grid.y + 1} / span ${grid.h};`;
}

// Reduces a series' values (numbers, nulls skipped) the way a stat panel's calc does.
export function reduceValues(values, calc = 'lastNotNull') {
  const xs = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  if (!xs.length) return null;
  switch (calc) {
    case 'last': return values[values.length - 1] ?? null;
    case 'first': case 'firstNotNull': return xs[0];
    case 'mean': return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'max': return Math.max(...xs);
    case 'min': return Math.min(...xs);
    case 'sum': return xs.reduce((a, b) => a + b, 0);
    case 'count': return xs.length;
    default: return xs[xs.length - 1];
  }
}

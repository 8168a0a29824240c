// Grafana thresholds: steps [{ value: null (the base), color }, { value, color }...]
// in "absolute" mode (compared with the value) or "percentage" mode (compared
// with the value's place between min and max, 0..100).

// Grafana's named colours (its classic palette); anything else is CSS as is.
const NAMED = {
  green: '#73BF69', 'semi-dark-green': '#56A64B', 'dark-green': '#37872D', 'light-green': '#96D98D',
  yellow: '#FADE2A', 'semi-dark-yellow': '#F2CC0C', 'dark-yellow': '#E0B400', 'light-yellow': '#FFEE52',
  orange: '#FF9830', 'semi-dark-orange': '#FF780A', 'dark-orange': '#FA6400', 'light-orange': '#FFB357',
  red: '#F2495C', 'semi-dark-red': '#E02F44', 'dark-red': '#C4162A', 'light-red': '#FF7383',
  blue: '#5794F2', 'semi-dark-blue': '#3274D9', 'dark-blue': '#1F60C4', 'light-blue': '#8AB8FF',
  purple: '#B877D9', 'semi-dark-purple': '#A352CC', 'dark-purple': '#8F3BB8', 'light-purple': '#CA95E5',
  text: '#333333', transparent: 'transparent',
};

export function cssColor(name) {
  return NAMED[name] || name || NAMED.green;
}

// The steps sorted, the base (value null) as -Infinity, colours resolved.
export function thresholdSteps(thresholds) {
  const steps = (thresholds && thresholds.steps) || [{ value: null, color: 'green' }];
  return steps
    .map((s) => ({ value: s.value === null || s.value === undefined ? -Infinity : Number(s.value), color: cssColor(s.color) }))
    .sort((a, b) => a.value - b.value);
}

// The colour of the highest step at or below the value.
export function colorFor(value, thresholds, min = 0, max = 100) {
  const steps = thresholdSteps(thresholds);
  let v = value;
  if (thresholds && thresholds.mode === 'percentage') {
    v = max === min ? 0 : ((value - min) / (max - min)) * 100;
  }
  let color = steps[0].color;
  for (const s of steps) if (v >= s.value) color = s.color;
  return color;
}

// The steps as absolute values (percentage steps placed between min and max),
// for drawing the bands of a gauge: [{ from, to, color }].
export function thresholdBands(thresholds, min, max) {
  const steps = thresholdSteps(thresholds);
  const abs = (v) => (thresholds && thresholds.mode === 'percentage' ? min + ((max - min) * v) / 100 : v);
  return steps.map((s, i) => ({
    from: Math.max(min, s.value === -Infinity ? min : abs(s.value)),
    to: Math.min(max, i + 1 < steps.length ? abs(steps[i + 1].value) : max),
    color: s.color,
  })).filter((b) => b.to > b.from);
}

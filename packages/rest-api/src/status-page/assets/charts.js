// Line charts as inline SVG: three small charts do not justify a charting library. Each chart
// is drawn in its box's own pixels (the viewBox follows the box), so text is never stretched.

const svgNs = 'http://www.w3.org/2000/svg';
const pad = { top: 8, right: 6, bottom: 16, left: 6 };

function element(name, attributes, text) {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(Math.abs(value) >= 100_000 ? 0 : 1)}k`;
  // Rates are fractional: a decimal only where it says something.
  return Number.isInteger(value) || Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1);
}

/**
 * Draws `series` ([{ className, points: [[atMs, value|null], …] }]) over the window that ends at
 * `now`. A null value or a jump in time of more than `gapMs` breaks the line: missing samples
 * show as a gap, never as a straight line across them.
 */
export function drawChart(svg, series, { now, windowMs, gapMs }) {
  const width = svg.clientWidth || 400;
  const height = svg.clientHeight || 140;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const from = now - windowMs;
  const values = series.flatMap((s) => s.points.filter(([at, v]) => at >= from && v !== null).map(([, v]) => v));
  const max = niceMax(Math.max(0, ...values));
  const x = (at) => pad.left + ((at - from) / windowMs) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);

  const nodes = [];
  for (const fraction of [0, 0.5, 1]) {
    const v = max * fraction;
    nodes.push(element('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
  }
  nodes.push(element('text', { class: 'axis', x: width - pad.right, y: y(max) + 10, 'text-anchor': 'end' }, formatNumber(max)));
  const minutes = Math.round(windowMs / 60_000);
  nodes.push(element('text', { class: 'axis', x: pad.left, y: height - 3 }, `−${minutes} min`));
  nodes.push(element('text', { class: 'axis', x: width - pad.right, y: height - 3, 'text-anchor': 'end' }, 'now'));

  for (const { className, points } of series) {
    let run = [];
    let previousAt = Number.NEGATIVE_INFINITY;
    const flush = () => {
      if (run.length > 1) nodes.push(element('polyline', { class: `line ${className}`, points: run.join(' ') }));
      run = [];
    };
    for (const [at, v] of points) {
      if (at < from) continue;
      if (v === null || at - previousAt > gapMs) flush();
      if (v !== null) run.push(`${x(at).toFixed(1)},${y(v).toFixed(1)}`);
      previousAt = at;
    }
    flush();
  }
  svg.replaceChildren(...nodes);
}

/**
 * Per second, over about `windowMs` up to each sample, of a running total: publishers add to it a
 * whole job at a time, so a one-sample difference would be a saw. Across a silence longer than
 * `gapMs` there is no rate (a gap); a counter reset counts as 0.
 */
export function ratePoints(samples, pick, { windowMs, gapMs }) {
  const points = [];
  let j = 0;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i];
    // The latest sample at least windowMs before this one (or the first there is).
    while (j < i - 1 && b.at - samples[j + 1].at >= windowMs) j++;
    const a = samples[j];
    const seconds = (b.at - a.at) / 1000;
    const va = pick(a);
    const vb = pick(b);
    const usable = seconds > 0 && b.at - a.at <= Math.max(gapMs, windowMs * 2) && va !== null && vb !== null;
    points.push([b.at, usable ? Math.max(0, (vb - va) / seconds) : null]);
  }
  return points;
}

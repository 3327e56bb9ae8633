/**
 * A hand-written SVG chart of latency distributions: one percentile curve per series, the percentile on
 * a "nines" axis (50 %, 90 %, 99 %, 99.9 %, ...) and the latency on a logarithmic axis, the way
 * HdrHistogram plots are read: flat and low is good, the right end is the worst request seen.
 */

export interface CurveSeries {
  label: string;
  points: Array<{ percentile: number; ms: number }>;
  /** Shown in the legend. */
  summary: { p50: number; p99: number; max: number };
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 3 significant digits at most: 0.412, 4.12, 41.2, 412, 4120. */
const short = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

const nines = (percentile: number) => -Math.log10(1 - Math.min(percentile, 99.99999) / 100);

function formatMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  if (ms >= 1) return `${ms} ms`;
  return `${Math.round(ms * 1000)} µs`;
}

export function latencyChart(title: string, subtitle: string, series: CurveSeries[]): string {
  const width = 1000;
  const height = 520;
  const margin = { left: 80, right: 330, top: 60, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = series.flatMap((s) => s.points).filter((p) => p.ms > 0);
  const minMs = Math.min(...all.map((p) => p.ms), 1);
  const maxMs = Math.max(...all.map((p) => p.ms), 1);
  const yLow = 10 ** Math.floor(Math.log10(minMs));
  const yHigh = 10 ** Math.ceil(Math.log10(maxMs * 1.01));
  const xHigh = Math.max(2, Math.ceil(Math.max(...all.map((p) => nines(p.percentile)), 2)));
  const xOf = (percentile: number) => margin.left + (nines(percentile) / xHigh) * plotW;
  const yOf = (ms: number) =>
    margin.top +
    plotH -
    ((Math.log10(Math.max(ms, yLow)) - Math.log10(yLow)) / Math.log10(yHigh / yLow)) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="26" font-size="17" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${margin.left}" y="45" fill="#555">${escapeXml(subtitle)}</text>`,
  );
  // Horizontal grid: decades and 2x/5x within them.
  for (let decade = yLow; decade < yHigh * 1.001; decade *= 10) {
    for (const factor of [1, 2, 5]) {
      const value = decade * factor;
      if (value > yHigh * 1.001) break;
      const y = yOf(value);
      const major = factor === 1;
      parts.push(
        `<line x1="${margin.left}" y1="${y.toFixed(1)}" x2="${margin.left + plotW}" y2="${y.toFixed(1)}" stroke="${major ? '#ccc' : '#eee'}"/>`,
        `<text x="${margin.left - 8}" y="${(y + 4).toFixed(1)}" text-anchor="end" fill="${major ? '#333' : '#888'}">${escapeXml(formatMs(Number(value.toPrecision(3))))}</text>`,
      );
    }
  }
  // Vertical grid: 50 %, 90 %, 99 %, ...
  const xLabels: Array<[number, string]> = [
    [0, '0 %'],
    [50, '50 %'],
    [90, '90 %'],
    [99, '99 %'],
    [99.9, '99.9 %'],
    [99.99, '99.99 %'],
    [99.999, '99.999 %'],
    [99.9999, '99.9999 %'],
  ];
  for (const [percentile, label] of xLabels) {
    if (nines(percentile) > xHigh + 1e-9) continue;
    const x = xOf(percentile);
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${margin.top}" x2="${x.toFixed(1)}" y2="${margin.top + plotH}" stroke="#ddd"/>`,
      `<text x="${x.toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#333">${label}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 18}" text-anchor="middle" fill="#333">percentile (requests at or below the latency)</text>`,
    `<text x="18" y="${margin.top + plotH / 2}" text-anchor="middle" fill="#333" transform="rotate(-90 18 ${margin.top + plotH / 2})">latency (log scale)</text>`,
  );
  series.forEach((s, index) => {
    const color = COLORS[index % COLORS.length];
    const points = s.points.filter((p) => p.percentile >= 0);
    if (points.length === 0) return;
    const path = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.percentile).toFixed(1)},${yOf(p.ms).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const ly = margin.top + 10 + index * 34;
    const lx = margin.left + plotW + 16;
    const { p50, p99, max } = s.summary;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${lx + 28}" y="${ly + 4}" fill="#222">${escapeXml(s.label)}</text>`,
      `<text x="${lx + 28}" y="${ly + 18}" fill="#666" font-size="11">p50 ${short(p50)} · p99 ${short(p99)} · max ${short(max)} ms</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

// Line charts written as SVG by hand (no plotting package): a panel per chart, side by side in one file.

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const WIDTH = 460;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 36, bottom: 72 };

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** About five round tick values from 0 to at least `max`. */
function ticks(max: number): number[] {
  const raw = max / 5 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw)!;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, index) => index * step);
}

function panel(chart: Panel, offsetX: number): string {
  const xs = [...new Set(chart.series.flatMap((series) => series.points.map((point) => point.x)))].sort((a, b) => a - b);
  const yTicks = ticks(Math.max(...chart.series.flatMap((series) => series.points.map((point) => point.y)).filter(Number.isFinite), 0));
  const yMax = yTicks.at(-1)!;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // The x axis is logarithmic: the numbers of checks are 1, 10, 100, 500.
  const logMin = Math.log10(Math.max(1, xs[0] ?? 1));
  const logMax = Math.log10(Math.max(10, xs.at(-1) ?? 10));
  const x = (value: number) => offsetX + MARGIN.left + ((Math.log10(Math.max(1, value)) - logMin) / (logMax - logMin || 1)) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / (yMax || 1)) * plotHeight;
  const parts = [
    `<text x="${offsetX + WIDTH / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(chart.title)}</text>`,
    `<line x1="${x(xs[0] ?? 1)}" y1="${y(0)}" x2="${offsetX + WIDTH - MARGIN.right}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${offsetX + MARGIN.left}" y1="${MARGIN.top}" x2="${offsetX + MARGIN.left}" y2="${y(0)}" stroke="#333"/>`,
  ];
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${offsetX + MARGIN.left}" y1="${y(tick)}" x2="${offsetX + WIDTH - MARGIN.right}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${offsetX + MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  for (const value of xs) parts.push(`<text x="${x(value)}" y="${y(0) + 16}" text-anchor="middle">${value}</text>`);
  parts.push(
    `<text x="${offsetX + MARGIN.left + plotWidth / 2}" y="${y(0) + 34}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(${offsetX + 16} ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const points = series.points.filter((point) => Number.isFinite(point.y));
    parts.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const point of points) parts.push(`<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="3" fill="${series.color}"/>`);
    const legendY = HEIGHT - 14;
    const legendX = offsetX + MARGIN.left + index * 130;
    parts.push(
      `<rect x="${legendX}" y="${legendY - 9}" width="12" height="3" fill="${series.color}"/>`,
      `<text x="${legendX + 16}" y="${legendY - 4}">${escape(series.name)}</text>`,
    );
  });
  return parts.join('\n');
}

/** Panels side by side, with a caption under them. */
export function renderChart(panels: Panel[], caption: string): string {
  const width = WIDTH * panels.length;
  const height = HEIGHT + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((chart, index) => panel(chart, index * WIDTH)),
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" fill="#555">${escape(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

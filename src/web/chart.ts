/**
 * Charts with Apache ECharts, imported piece by piece (echarts/core) to keep the bundle small.
 * Every chart has the same data in a table beside it (WCAG: a text alternative).
 */
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { setChartDisposer } from './chart-slot.js';
import { formatGroupValue, formatValue } from './format.js';
import { t } from './i18n.js';
import type { ChartKind } from './query-state.js';
import type { Column, Row } from './types.js';

echarts.use([BarChart, HeatmapChart, LineChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

export interface ChartInput {
  readonly kind: ChartKind;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** Display label per column name. */
  readonly labels: Readonly<Record<string, string>>;
  /** Display format per metric column. */
  readonly formats: Readonly<Record<string, string | undefined>>;
}

// Colours with at least 3:1 contrast against white (WCAG 1.4.11 non-text contrast).
const PALETTE = ['#1f5fa8', '#b8431b', '#2d7a3e', '#7a3e9d', '#8a6d00', '#0f6e73', '#a3245a', '#4d4d4d'];

export function renderChart(el: HTMLElement, input: ChartInput): void {
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  const ro = new ResizeObserver(() => chart.resize());
  setChartDisposer(() => {
    ro.disconnect();
    chart.dispose();
  });
  chart.setOption(optionFor(input));
  ro.observe(el);
  chart.on('finished', () => el.setAttribute('data-rendered', 'true'));
}

const FORECAST_PART = /__(forecast|lower|upper|anomaly)$/;

function optionFor(input: ChartInput): echarts.EChartsCoreOption {
  // The forecast's own columns (m__forecast, m__lower, m__upper, m__anomaly, forecast) are drawn
  // with their metric, not as metrics or group-bys of their own.
  const dims = input.columns.filter((c) => c.kind !== 'metric' && c.name !== 'forecast');
  const mets = input.columns.filter((c) => c.kind === 'metric' && !FORECAST_PART.test(c.name));
  const base = { color: PALETTE, animation: false, tooltip: { trigger: input.kind === 'heatmap' ? 'item' : 'axis' }, textStyle: { fontFamily: 'inherit' } };
  if (input.kind === 'heatmap') return heatmap(input, dims, mets[0]!, base);
  const x = dims[0];
  const rest = dims.slice(1);
  // One category axis; extra group-bys split the first metric into series.
  const keys = [...new Set(input.rows.map((r) => (x ? formatGroupValue(r[x.name], x) : '')))];
  const series: { name: string; data: (number | null)[] }[] = [];
  if (rest.length && mets[0]) {
    const m = mets[0];
    const groups = new Map<string, Map<string, number | null>>();
    for (const r of input.rows) {
      const g = rest.map((d) => formatGroupValue(r[d.name], d)).join(' · ');
      const byX = groups.get(g) ?? new Map<string, number | null>();
      byX.set(x ? formatGroupValue(r[x.name], x) : '', r[m.name] as number | null);
      groups.set(g, byX);
    }
    for (const [g, byX] of [...groups].slice(0, 12)) series.push({ name: g, data: keys.map((k) => byX.get(k) ?? null) });
  } else {
    for (const m of mets) series.push({ name: input.labels[m.name] ?? m.name, data: input.rows.map((r) => r[m.name] as number | null) });
  }
  const type = input.kind === 'line' ? 'line' : 'bar';
  const fmt = input.formats[mets[0]?.name ?? ''];
  const extra = type === 'line' && !rest.length ? forecastSeries(input, mets) : [];
  return {
    ...base,
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: keys, axisLabel: { color: '#333' } },
    yAxis: { type: 'value', axisLabel: { color: '#333', formatter: (v: number) => formatValue(v, fmt) } },
    series: [...series.map((s) => ({ ...s, type, showSymbol: keys.length < 40, connectNulls: false })), ...extra],
  };
}

/**
 * Per metric with a forecast: the interval as a band (lower, then upper − lower stacked on it), the
 * forecast dashed from the last actual on, and anomalies as red triangles on the actuals.
 */
function forecastSeries(input: ChartInput, mets: Column[]): object[] {
  const out: object[] = [];
  const has = (n: string) => input.columns.some((c) => c.name === n);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  mets.forEach((m, i) => {
    if (!has(`${m.name}__forecast`)) return;
    const label = input.labels[m.name] ?? m.name;
    const future = input.rows.map((r) => r.forecast === true);
    const lastActual = future.indexOf(true) - 1;
    const lower = input.rows.map((r, j) => (future[j] ? num(r[`${m.name}__lower`]) : null));
    const width = input.rows.map((r, j) => (future[j] && lower[j] !== null && num(r[`${m.name}__upper`]) !== null ? num(r[`${m.name}__upper`])! - lower[j]! : null));
    const colour = PALETTE[i % PALETTE.length]!;
    const stack = `band-${m.name}`;
    out.push(
      { name: `${label}: ${t().band}`, type: 'line', stack, data: lower, lineStyle: { opacity: 0 }, showSymbol: false, tooltip: { show: false } },
      { name: `${label}: ${t().band}`, type: 'line', stack, data: width, lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.18 }, showSymbol: false },
      {
        name: t().forecastSeries(label), type: 'line', color: colour, showSymbol: false, lineStyle: { type: 'dashed', width: 2 },
        data: input.rows.map((r, j) => (future[j] ? num(r[`${m.name}__forecast`]) : j === lastActual ? num(r[m.name]) : null)),
      },
    );
    if (has(`${m.name}__anomaly`)) {
      out.push({ name: `${label}: ${t().anomaly}`, type: 'scatter', symbol: 'triangle', symbolSize: 12, color: '#b3261e', data: input.rows.map((r) => (r[`${m.name}__anomaly`] === true ? num(r[m.name]) : null)) });
    }
  });
  return out;
}

function heatmap(input: ChartInput, dims: Column[], metric: Column, base: object): echarts.EChartsCoreOption {
  const [yDim, xDim] = dims as [Column, Column];
  const rows = input.rows.filter((r) => r[xDim.name] !== null && r[yDim.name] !== null);
  const xs = [...new Set(rows.map((r) => Number(r[xDim.name])))].sort((a, b) => a - b);
  const ys = [...new Set(rows.map((r) => Number(r[yDim.name])))].sort((a, b) => a - b);
  const values = rows.map((r) => Number(r[metric.name] ?? 0));
  const data = rows.map((r) => [xs.indexOf(Number(r[xDim.name])), ys.indexOf(Number(r[yDim.name])), r[metric.name]]);
  const label = (c: Column) => (v: number) => formatGroupValue(v, c);
  return {
    ...base,
    grid: { left: 8, right: 16, top: 16, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: xs.map(label(xDim)), splitArea: { show: true }, axisLabel: { color: '#333' } },
    yAxis: { type: 'category', data: ys.map(yDim.grain === 'extract_dow' ? (v: number) => t().daysShort[v - 1] ?? String(v) : label(yDim)), inverse: true, axisLabel: { color: '#333' } },
    visualMap: {
      min: Math.min(0, ...values),
      max: Math.max(1, ...values),
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      // Light to dark blue: the value also shows in the tooltip and the table.
      inRange: { color: ['#f2f6fb', '#9ec2e6', '#1f5fa8', '#0b2e59'] },
    },
    series: [{ type: 'heatmap', name: input.labels[metric.name] ?? metric.name, data, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
  };
}

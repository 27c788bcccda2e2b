/** The one live chart, disposed on navigation. Kept apart from chart.ts so ECharts loads only when a chart is drawn. */
let disposer: (() => void) | undefined;

export function disposeChart(): void {
  disposer?.();
  disposer = undefined;
}

export function setChartDisposer(fn: () => void): void {
  disposeChart();
  disposer = fn;
}

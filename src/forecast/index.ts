export { forecastAnswer, MAX_FORECAST_POINTS, MAX_FORECAST_SERIES, type ForecastAnswer, type ForecastMeta, type ForecastRequest, type SeriesForecastMeta } from './forecast.js';
export { forecastPolicy, type MetricFill, type MetricPolicy } from './metric-policy.js';
export type { BacktestScore } from './backtest.js';
export type { SeriesMetric } from './series.js';

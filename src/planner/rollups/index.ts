export { matchRollup, matchRollups, relevantRollups, type MatchContext, type RollupCandidate, type RollupMatch, type RollupMiss, type RollupRule, type RollupState, type RollupTry } from './match-rollup.js';
export { planRollup } from './plan-rollup.js';
export { withRollupMetrics } from './rollup-metrics.js';
export { shapeRollup, type RollupShape, type StoredMetric } from './rollup-shape.js';

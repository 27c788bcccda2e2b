export { protectedCompiler, type ProtectedColumn, type ProtectedCompiler, type ProtectedQuery } from './protect-query.js';
export { suppressRows, suppressedCellCount, type SuppressedCells, type SuppressionReason, type SuppressionResult } from './suppress.js';
export { SUBJECT_PREFIX, subjectMetricName, withSubjectMetrics } from './subject-metrics.js';

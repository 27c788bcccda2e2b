/**
 * Where-filters: `{{ Dimension('x__y') }} = 'a' AND …` → typed references + a whitelisted
 * expression tree (parseFilter) → a Kysely expression with bound parameters (renderFilter).
 */
export { parseFilter, type ParseFilterOptions } from './parse-filter.js';
export { renderFilter, type ColumnFor } from './render-filter.js';
export type {
  DimensionFilterRef,
  EntityFilterRef,
  FilterExpr,
  FilterRef,
  MetricFilterRef,
  ParsedFilter,
} from './filter-tree.js';

/**
 * The filter parser/renderer this planner uses (src/planner/filters/). The planner and compiler
 * import filters only through this module.
 */
export { parseFilter, renderFilter, type FilterRef, type ParsedFilter } from './filters/index.js';

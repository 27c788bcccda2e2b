export { resolveQuery, type QueryInput } from './resolve/resolve-query.js';
export type * from './resolve/resolved-query.js';
export { planQuery } from './plan/plan-query.js';
export type * from './plan/plan-nodes.js';
export { explainPlan } from './plan/explain-plan.js';

export { compileQuery, explainQuery, type CompileOptions, type QueryExplanation, type RollupSource } from './compile-query.js';
export { compilePlan } from './compile-plan.js';
export { coldKysely } from './cold-kysely.js';
export { timeColumnProbes, type TimeColumnProbe } from './time-column-probes.js';

/**
 * Shape of `rollups.yml` beside the definitions (maatstaf's own file, like access.yml; dbt ignores
 * it): declared summary tables the engine may answer from. Only the shape is checked here; metric
 * and group-by names are checked against the definitions by the planner (src/planner/rollups).
 */
import { z } from 'zod';
import type { TIME_GRAINS } from '../../core/time.js';
import { nameSchema, refSchema, strict } from '../schema/common.schema.js';

/** The rollups file the definitions loader skips. */
export const ROLLUPS_FILES = ['rollups.yml', 'rollups.yaml'] as const;

/** Rollup grains: day or coarser (sub-daily rollups would be as large as the facts they summarise). */
export const ROLLUP_GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const satisfies readonly (typeof TIME_GRAINS)[number][];

/** `90s`, `15m`, `6h`, `1d`, `2w` or a number of seconds. */
export const DURATION_PATTERN = /^(\d+)\s*(s|m|h|d|w)$/;
const duration = z.union([z.number().int().positive(), z.string().regex(DURATION_PATTERN, { error: (iss) => `invalid duration '${String(iss.input)}': use a number of seconds or 90s, 15m, 6h, 1d, 2w` })]);

export const RollupEntrySchema = strict({
  name: nameSchema.describe('Name of the rollup; also its table name in the rollup schema.'),
  model: refSchema.optional().describe('Serve every simple metric of this semantic model.'),
  metrics: z.array(refSchema).min(1).optional().describe('Serve these metrics (ratio/derived metrics add their inputs).'),
  group_by: z.array(refSchema).default([]).describe('Group-by items in dunder form without metric_time (report__category).'),
  time_grain: z.enum(ROLLUP_GRAINS).describe('Grain of metric_time stored in the rollup.'),
  partition_grain: z.enum(ROLLUP_GRAINS).optional().describe('Incremental refresh rebuilds the latest partitions of this grain.'),
  refresh: strict({
    every: duration.optional().describe('Rebuild the latest partitions this often (serve with a write connection).'),
    refresh_key: z.boolean().default(false).describe("Also rebuild when the model's refresh_key answers something new."),
    partitions: z.number().int().min(1).max(1000).default(2).describe('How many latest partitions an incremental refresh rebuilds.'),
  })
    .default({ refresh_key: false, partitions: 2 }),
  max_age: duration.describe('Older builds are not used: the raw tables answer.'),
});

export const RollupsFileSchema = strict({
  rollups: z.array(RollupEntrySchema).default([]),
});

export type RollupEntry = z.output<typeof RollupEntrySchema>;

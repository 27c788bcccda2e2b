/**
 * Spec 2, rule 25 plus the dbt time spine model format: the standard granularity column is declared
 * with a granularity, one spine per grain, spines exist when metrics need them; non-empty project.
 */
import { compareGrains, finestGrain, isTimeGrain, type TimeGrain } from '../../core/time.js';
import type { SourceLocation } from '../model.js';
import { LEGACY_TIME_SPINE_COLUMN, LEGACY_TIME_SPINE_MODEL } from '../schema/time-spine.schema.js';
import type { Rule, RuleContext } from './context.js';

interface SpineGrain {
  readonly grain: TimeGrain;
  readonly loc: SourceLocation;
}

function spineGrains(ctx: RuleContext): SpineGrain[] {
  const out: SpineGrain[] = [];
  for (const { spec, loc } of ctx.index.specs.timeSpineModels) {
    if (spec.time_spine) {
      const column = spec.time_spine.standard_granularity_column;
      const declared = spec.columns?.find((c) => c.name.toLowerCase() === column.toLowerCase());
      if (declared?.granularity === undefined) {
        ctx.error(loc, 'time_spine.standard_granularity_column', `standard_granularity_column '${column}' must be listed under columns with a granularity`);
      } else out.push({ grain: declared.granularity.toLowerCase() as TimeGrain, loc });
    } else if (spec.name === LEGACY_TIME_SPINE_MODEL) {
      if (spec.columns !== undefined && !spec.columns.some((c) => c.name.toLowerCase() === LEGACY_TIME_SPINE_COLUMN)) {
        ctx.error(loc, 'columns', `the legacy time spine model ${LEGACY_TIME_SPINE_MODEL} needs a column ${LEGACY_TIME_SPINE_COLUMN}`);
      } else out.push({ grain: 'day', loc });
    }
  }
  const settingsSpine = ctx.index.specs.settings.spec.time_spine;
  if (settingsSpine) out.push({ grain: (settingsSpine.granularity?.toLowerCase() ?? 'day') as TimeGrain, loc: ctx.index.specs.settings.loc });
  return out;
}

/** Metrics that cannot be computed without a time spine. */
function needsSpine(ctx: RuleContext): { loc: SourceLocation; why: string }[] {
  return ctx.index.specs.metrics.flatMap(({ spec, loc }) => {
    const tp = spec.type_params;
    if (spec.type.toLowerCase() === 'cumulative') return [{ loc, why: 'cumulative metrics' }];
    const joins = tp.join_to_timespine === true || (typeof tp.measure === 'object' && tp.measure.join_to_timespine === true);
    if (joins) return [{ loc, why: 'join_to_timespine' }];
    const offsets = (tp.metrics ?? []).some((m) => typeof m === 'object' && (m.offset_window !== undefined || m.offset_to_grain !== undefined));
    return offsets ? [{ loc, why: 'offsets' }] : [];
  });
}

export const timeSpinesRule: Rule = (ctx) => {
  const spines = spineGrains(ctx);
  const byGrain = new Map<TimeGrain, SourceLocation>();
  for (const { grain, loc } of spines) {
    const prev = byGrain.get(grain);
    if (prev) ctx.warning(loc, '', `more than one time spine with grain ${grain} (also ${prev.file}:${prev.line}); the first is used`);
    else byGrain.set(grain, loc);
  }
  const finestSpine = finestGrain([...byGrain.keys()]);
  const dimGrains = ctx.index.specs.semanticModels.flatMap((m) =>
    (m.spec.dimensions ?? []).map((d) => d.type_params?.time_granularity?.toLowerCase()).filter((g): g is TimeGrain => g !== undefined && isTimeGrain(g)),
  );
  const finestDim = finestGrain(dimGrains);
  if (finestSpine !== undefined && finestDim !== undefined && compareGrains(finestSpine, finestDim) > 0) {
    ctx.warning(byGrain.get(finestSpine)!, '', `the finest time spine grain (${finestSpine}) is coarser than the finest time dimension grain (${finestDim})`);
  }
  if (spines.length === 0) {
    for (const { loc, why } of needsSpine(ctx)) {
      ctx.error(loc, 'type_params', `${why} need a time spine: declare a dbt model with time_spine (or ${LEGACY_TIME_SPINE_MODEL}), or time_spine in maatstaf.yaml`);
    }
  }
};

export const nonEmptyRule: Rule = (ctx) => {
  const { specs } = ctx.index;
  if (specs.incomplete) return; // the syntax/schema errors explain what is missing
  const at: SourceLocation = specs.semanticModels[0]?.loc ?? specs.metrics[0]?.loc ?? { file: '.', line: 1, path: '' };
  if (specs.semanticModels.length === 0) ctx.error({ ...at, path: '' }, '', 'no semantic models defined (semantic_models:)');
  if (specs.metrics.length === 0 && ![...ctx.index.measures.values()].some((m) => m.spec.create_metric)) {
    ctx.error({ ...at, path: '' }, '', 'no metrics defined (metrics:, or create_metric: true on a measure)');
  }
};

/** Spec 2, rules 4 and 7: unique names per kind, per model, for measures and custom grains. */
import type { SourceLocation } from '../model.js';
import type { Rule, RuleContext } from './context.js';
import { elementIndex } from '../spec-set.js';

const where = (loc: SourceLocation) => `${loc.file}:${loc.line}`;

function checkUnique(ctx: RuleContext, what: string, items: readonly { name: string; loc: SourceLocation }[]): void {
  const first = new Map<string, SourceLocation>();
  for (const { name, loc } of items) {
    const prev = first.get(name);
    if (prev) ctx.error(loc, 'name', `duplicate ${what} name '${name}' (first defined at ${where(prev)})`);
    else first.set(name, loc);
  }
}

export const uniqueNamesRule: Rule = (ctx) => {
  const { specs, customGrains, models, metricNames } = ctx.index;
  checkUnique(ctx, 'semantic model', specs.semanticModels.map((m) => ({ name: m.spec.name, loc: m.loc })));
  checkUnique(ctx, 'metric', specs.metrics.map((m) => ({ name: m.spec.name, loc: m.loc })));
  checkUnique(ctx, 'saved query', specs.savedQueries.map((q) => ({ name: q.spec.name, loc: q.loc })));

  const measureHome = new Map<string, { model: string; loc: SourceLocation }>();
  for (const { spec, loc } of specs.semanticModels) {
    const used = new Map<string, string>();
    for (const [list, what] of [['entities', 'an entity'], ['dimensions', 'a dimension'], ['measures', 'a measure']] as const) {
      spec[list]?.forEach((el, i) => {
        const prev = used.get(el.name);
        if (prev) ctx.error(loc, `${list}[${elementIndex(el, i)}].name`, `'${el.name}' is already ${prev} of semantic model '${spec.name}'`);
        else used.set(el.name, what);
      });
    }
    spec.measures?.forEach((m, i) => {
      const home = measureHome.get(m.name);
      if (home && home.model !== spec.name) {
        ctx.error(loc, `measures[${elementIndex(m, i)}].name`, `duplicate measure name '${m.name}' (also in semantic model '${home.model}' at ${where(home.loc)})`);
      } else if (!home) measureHome.set(m.name, { model: spec.name, loc });
    });
  }

  const grainsSeen = new Set<string>();
  const spineGrains = [
    ...specs.timeSpineModels.flatMap(({ spec, loc }) =>
      (spec.time_spine?.custom_granularities ?? []).map((g, i) => ({ name: g.name, loc, sub: `time_spine.custom_granularities[${i}].name` })),
    ),
    ...(specs.settings.spec.time_spine?.custom_granularities ?? []).map((g, i) => ({
      name: g.name,
      loc: specs.settings.loc,
      sub: `time_spine.custom_granularities[${i}].name`,
    })),
  ];
  for (const { name, loc, sub } of spineGrains) {
    if (grainsSeen.has(name)) ctx.error(loc, sub, `duplicate custom granularity '${name}' (first defined at ${where(customGrains.get(name)!)})`);
    grainsSeen.add(name);
    const clash = models.has(name)
      ? 'a semantic model'
      : metricNames.has(name)
        ? 'a metric'
        : ctx.index.entityNames.has(name) || ctx.index.dimensionNames.has(name) || ctx.index.measures.has(name)
          ? 'an element'
          : undefined;
    if (clash) ctx.error(loc, sub, `custom granularity '${name}' has the same name as ${clash}`);
  }
};

/** Spec 2, rule 8: labels are unique where users pick things by label. */
import type { SourceLocation } from '../model.js';
import type { Rule, RuleContext } from './context.js';
import { elementIndex } from '../spec-set.js';

function uniqueLabels(ctx: RuleContext, what: string, items: readonly { label: string | undefined; loc: SourceLocation; sub: string }[]): void {
  const first = new Map<string, SourceLocation>();
  for (const { label, loc, sub } of items) {
    if (label === undefined) continue;
    const prev = first.get(label);
    if (prev) ctx.error(loc, sub, `duplicate ${what} label '${label}' (first used at ${prev.file}:${prev.line})`);
    else first.set(label, ctx.locate(loc, sub));
  }
}

export const labelsRule: Rule = (ctx) => {
  const { specs } = ctx.index;
  uniqueLabels(ctx, 'metric', specs.metrics.map(({ spec, loc }) => ({ label: spec.label, loc, sub: 'label' })));
  uniqueLabels(ctx, 'semantic model', specs.semanticModels.map(({ spec, loc }) => ({ label: spec.label, loc, sub: 'label' })));
  const entityLabels = new Map<string, { label: string; model: string }>();
  for (const { spec, loc } of specs.semanticModels) {
    const elements = (['entities', 'dimensions', 'measures'] as const).flatMap((list) =>
      (spec[list] ?? []).map((el, i) => ({ label: el.label, loc, sub: `${list}[${elementIndex(el, i)}].label` })),
    );
    uniqueLabels(ctx, 'element', elements);
    spec.entities?.forEach((e, i) => {
      if (e.label === undefined) return;
      const prev = entityLabels.get(e.name);
      if (prev && prev.label !== e.label) {
        ctx.error(loc, `entities[${elementIndex(e, i)}].label`, `entity '${e.name}' has label '${e.label}' here but '${prev.label}' in semantic model '${prev.model}'`);
      } else if (!prev) entityLabels.set(e.name, { label: e.label, model: spec.name });
    });
  }
};

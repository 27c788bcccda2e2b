/** Validated specs → the Definitions model every later stage reads. */
import type { Definitions, ProjectSettings } from '../model.js';
import type { SpecIndex } from '../spec-index.js';
import { normaliseMetrics } from './metrics.js';
import { normaliseSavedQuery } from './saved-queries.js';
import { normaliseSemanticModel, type Locate } from './semantic-models.js';
import { normaliseTimeSpines } from './time-spines.js';

export function normaliseDefinitions(index: SpecIndex, settings: ProjectSettings, version: string, locate: Locate): Definitions {
  const { specs } = index;
  const semanticModels = specs.semanticModels.map((m) => normaliseSemanticModel(m, settings.schema, locate));
  return {
    semanticModels,
    metrics: normaliseMetrics(semanticModels, index),
    savedQueries: specs.savedQueries.map((q) => normaliseSavedQuery(q, index.isGrain)),
    timeSpines: normaliseTimeSpines(specs, settings.schema),
    settings,
    version,
  };
}

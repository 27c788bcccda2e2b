import { describe, expect, it } from 'vitest';
import { parseRef } from '../../../src/definitions/normalise/relation.js';
import { errorsOf, parse, parseOk } from './helpers.js';

const model = (relation: string) => `
semantic_models:
  - name: things
    ${relation}
    defaults: {agg_time_dimension: made_at}
    entities: [{name: thing, type: primary}]
    dimensions: [{name: made_at, type: time, type_params: {time_granularity: day}}]
    measures: [{name: thing_count, agg: count, expr: 1, create_metric: true}]
`;

const relationOf = (relation: string, settings?: string) =>
  parseOk({ 'models/orders.yml': model(relation) + 'models:\n  - name: metricflow_time_spine\n' }, settings).semanticModels[0]!.relation;

describe('relations', () => {
  it("parses ref('x'), ref(\"x\"), package refs and versioned refs", () => {
    expect(parseRef("ref('fct_things')")).toEqual({ alias: 'fct_things' });
    expect(parseRef('ref("fct_things")')).toEqual({ alias: 'fct_things' });
    expect(parseRef(" ref( 'pkg' , 'fct_things' ) ")).toEqual({ alias: 'fct_things', package: 'pkg' });
    expect(parseRef("ref('fct_things', v=2)")).toEqual({ alias: 'fct_things' });
    expect(parseRef("{{ ref('fct_things') }}")).toEqual({ alias: 'fct_things' });
    expect(parseRef('fct_things')).toBeUndefined();
    expect(parseRef("ref('a)")).toBeUndefined();
  });

  it('puts ref() models in the settings schema, or leaves the schema to the search path', () => {
    expect(relationOf("model: ref('fct_things')")).toEqual({ alias: 'fct_things' });
    expect(relationOf('model: ref("fct_things")', 'schema: dbt_prod\n')).toEqual({ schema: 'dbt_prod', alias: 'fct_things' });
  });

  it('honours node_relation (schema_name, alias, database)', () => {
    expect(relationOf('node_relation: {schema_name: raw, alias: things}', 'schema: dbt_prod\n')).toEqual({ schema: 'raw', alias: 'things' });
    expect(relationOf('node_relation: {schema_name: raw, alias: things, database: wh}')).toEqual({ database: 'wh', schema: 'raw', alias: 'things' });
  });

  it('requires exactly one of model and node_relation, and a well-formed ref()', () => {
    const errors = (relation: string) => errorsOf(parse({ 'models/orders.yml': model(relation) }));
    expect(errors("model: fct_things")).toEqual(["models/orders.yml:4 semantic_models[0].model: expected ref('<dbt model name>'), got 'fct_things'"]);
    expect(errors('description: none')).toEqual([
      "models/orders.yml:3 semantic_models[0].name: semantic model 'things' needs model: ref('<dbt model>') or node_relation",
    ]);
    expect(errors("model: ref('a')\n    node_relation: {schema_name: raw, alias: things}")).toEqual([
      "models/orders.yml:5 semantic_models[0].node_relation: give either 'model' or 'node_relation', not both",
    ]);
    expect(errors('node_relation: {schema_name: raw}')).toEqual(["models/orders.yml:4 semantic_models[0].node_relation.alias: missing required key 'alias'"]);
  });

  it('rejects SQL keywords in relation names', () => {
    expect(errorsOf(parse({ 'models/orders.yml': model("model: ref('select')") }))).toEqual([
      "models/orders.yml:4 semantic_models[0].model: relation name part 'select' is a reserved SQL keyword",
    ]);
  });
});

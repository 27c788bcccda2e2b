/**
 * Enums of the names in the loaded definitions, for autocompletion in GraphiQL: MetricName (with
 * deprecated metrics marked), GroupByName (every group-by item any metric, or a query without
 * metrics, accepts, with each grain, date part and custom grain) and SavedQueryName. Rebuilt with
 * the schema when the definitions change. A name that is not a valid GraphQL name is left out.
 *
 * A name is written the same way whatever the configuration: `metric(name: reports_received)` and
 * `metric(name: "reports_received")` both work, with or without an access policy, and a variable
 * typed `MetricName!` too. Without a policy the types are enums that also take a known name as a
 * string; with one (whose schema must not list every name) they are scalars of the same names that
 * take either form, and an enum with no values falls back to the scalar as well.
 */
import {
  GraphQLEnumType,
  GraphQLError,
  GraphQLScalarType,
  Kind,
  print,
  type GraphQLEnumValueConfig,
  type ValueNode,
} from 'graphql/index.js';
import { metricGovernance } from '../../engine/governance.js';
import type { Engine } from '../../engine/types.js';
import type { GroupByItemInfo } from '../../semantic-graph/index.js';
import { queryableNames } from '../../semantic-graph/group-by-info.js';
import { deprecationReason } from './metric-info.js';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const isEnumValueName = (n: string) => GRAPHQL_NAME.test(n) && n !== 'true' && n !== 'false' && n !== 'null';

export interface NameEnums {
  readonly metricName?: GraphQLEnumType;
  readonly groupByName?: GraphQLEnumType;
  readonly savedQueryName?: GraphQLEnumType;
}

/** An enum that also takes one of its values written as a string literal (`"reports_received"`). */
class NameEnumType extends GraphQLEnumType {
  override parseLiteral(valueNode: ValueNode, variables: Parameters<GraphQLEnumType['parseLiteral']>[1]): unknown {
    const node: ValueNode = valueNode.kind === Kind.STRING ? { kind: Kind.ENUM, value: valueNode.value, ...(valueNode.loc ? { loc: valueNode.loc } : {}) } : valueNode;
    return super.parseLiteral(node, variables);
  }
}

function enumOrUndefined(name: string, description: string, values: ReadonlyMap<string, GraphQLEnumValueConfig>): GraphQLEnumType | undefined {
  const valid = [...values.entries()].filter(([n]) => isEnumValueName(n)).sort(([a], [b]) => a.localeCompare(b));
  if (valid.length === 0) return undefined;
  return new NameEnumType({ name, description, values: Object.fromEntries(valid) });
}

/** A name as a scalar: a string, or a bare name written like an enum value. */
function nameScalar(name: string, what: string): GraphQLScalarType<string, string> {
  const refuse = (shown: string) => new GraphQLError(`${name} cannot represent ${shown}: write the ${what} name, e.g. ${what === 'metric' ? 'reports_received or "reports_received"' : 'as a word or a string'}`);
  return new GraphQLScalarType<string, string>({
    name,
    description: `A ${what} name, written as a string or as a bare name (like an enum value).`,
    serialize: (v) => String(v),
    parseValue: (v) => {
      if (typeof v !== 'string') throw refuse(JSON.stringify(v) ?? String(v));
      return v;
    },
    parseLiteral: (node) => {
      if (node.kind === Kind.STRING || node.kind === Kind.ENUM) return node.value;
      throw refuse(print(node));
    },
  });
}

/** The scalars standing in for the enums (with an access policy, or no names of that kind). */
export const NAME_SCALARS = {
  metricName: nameScalar('MetricName', 'metric'),
  groupByName: nameScalar('GroupByName', 'group-by item'),
  savedQueryName: nameScalar('SavedQueryName', 'saved query'),
} as const;

function metricValues(engine: Engine): Map<string, GraphQLEnumValueConfig> {
  const out = new Map<string, GraphQLEnumValueConfig>();
  for (const name of engine.graph.metricNames) {
    const def = engine.graph.metric(name)!;
    const reason = deprecationReason(metricGovernance(def));
    out.set(name, { value: name, ...(def.label ? { description: def.label } : {}), ...(reason ? { deprecationReason: reason } : {}) });
  }
  return out;
}

/** Every group-by name: items of a query without metrics plus each metric's items, expanded. */
export function allGroupByItems(engine: Engine): GroupByItemInfo[] {
  const byName = new Map<string, GroupByItemInfo>();
  const add = (items: readonly GroupByItemInfo[]) => {
    for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
  };
  add(engine.graph.groupByItemsFor([]));
  for (const metric of engine.graph.metricNames) add(engine.graph.groupByItemsFor([metric]));
  return [...byName.values()];
}

function groupByValues(engine: Engine): Map<string, GraphQLEnumValueConfig> {
  const out = new Map<string, GraphQLEnumValueConfig>();
  for (const item of allGroupByItems(engine)) {
    const what = item.label ?? (item.kind === 'entity' ? `Entity ${item.element}` : item.element);
    for (const name of queryableNames([item])) {
      const suffix = name.slice(item.name.length + 2);
      const variant = suffix === '' ? '' : suffix.startsWith('extract_') ? ` (date part ${suffix.slice(8)})` : ` (by ${suffix})`;
      out.set(name, { value: name, description: `${what}${variant}` });
    }
  }
  return out;
}

function savedQueryValues(engine: Engine): Map<string, GraphQLEnumValueConfig> {
  return new Map(engine.definitions.savedQueries.map((q) => [q.name, { value: q.name, ...(q.label ? { description: q.label } : {}) }]));
}

/** The name enums for an engine; none when the definitions are not loaded. */
export function buildNameEnums(engine: Engine | undefined): NameEnums {
  if (!engine) return {};
  const metricName = enumOrUndefined('MetricName', 'A metric of the loaded definitions.', metricValues(engine));
  const groupByName = enumOrUndefined('GroupByName', 'A group-by item of the loaded definitions, with each grain and date part.', groupByValues(engine));
  const savedQueryName = enumOrUndefined('SavedQueryName', 'A saved query of the loaded definitions.', savedQueryValues(engine));
  return { ...(metricName ? { metricName } : {}), ...(groupByName ? { groupByName } : {}), ...(savedQueryName ? { savedQueryName } : {}) };
}

/** The enum, or the scalar of the same name when there is none. */
export function nameType(names: NameEnums, kind: keyof NameEnums): GraphQLEnumType | GraphQLScalarType {
  return names[kind] ?? NAME_SCALARS[kind];
}

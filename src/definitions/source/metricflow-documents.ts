/**
 * MetricFlow's native definition files (what MetricFlow's own tests and `dir_to_model` read): each
 * YAML document — a file may hold several, separated by `---` — has exactly one top-level key,
 * `semantic_model`, `metric`, `saved_query` or `project_configuration` (plus an optional
 * `mf_config_schema`). They are gathered into the dbt shape (`semantic_models: [...]`, …) so the
 * same schema checks, validation and normalisation apply; the original nodes are kept so issues
 * still carry the line of the document they came from.
 */
import { Document, isMap, YAMLMap, YAMLSeq, type Node, type ParsedNode } from 'yaml';
import { MappingIssues } from '../manifest/fields.js';
import { mapTimeSpines } from '../manifest/map-models.js';

/** Native document key → the dbt list it joins. */
const NATIVE_KEYS = { semantic_model: 'semantic_models', metric: 'metrics', saved_query: 'saved_queries' } as const;
const PROJECT_CONFIGURATION = 'project_configuration';
const SCHEMA_VERSION_KEY = 'mf_config_schema';

type NativeKey = keyof typeof NATIVE_KEYS;

/** True when a document's top-level keys make it a MetricFlow native document. */
export function isNativeDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  if (!isMap(contents)) return false;
  const keys = contents.items.map((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key));
  return keys.length > 0 && keys.every((k) => k in NATIVE_KEYS || k === PROJECT_CONFIGURATION || k === SCHEMA_VERSION_KEY);
}

export interface GatheredDocuments {
  /** The dbt-shaped document (its nodes keep their source ranges) for the SourceMap. */
  readonly doc: Document;
  /** The dbt-shaped plain data. */
  readonly data: Record<string, unknown>;
  /** Problems mapping project_configuration (reported at `models[i]`-free paths). */
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

/** Gathers native documents (and ordinary dbt documents beside them) into one dbt-shaped document. */
export function gatherDocuments(docs: readonly Document.Parsed[]): GatheredDocuments {
  const lists: Record<string, { nodes: Node[]; values: unknown[] }> = {};
  const add = (list: string, node: Node, value: unknown): void => {
    const entry = (lists[list] ??= { nodes: [], values: [] });
    entry.nodes.push(node);
    entry.values.push(value);
  };
  const issues = new MappingIssues();
  for (const doc of docs) {
    const contents = doc.contents;
    if (!isMap(contents)) continue;
    for (const pair of contents.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      const valueNode = pair.value as ParsedNode | null;
      const value: unknown = valueNode?.toJSON();
      if (key in NATIVE_KEYS) add(NATIVE_KEYS[key as NativeKey], valueNode ?? new YAMLMap(), value);
      else if (key === PROJECT_CONFIGURATION) {
        // Time spines become `models:` entries (as for semantic_manifest.json); their line is the configuration's.
        for (const spine of mapTimeSpines(value, issues).spines) add('models', valueNode ?? new YAMLMap(), spine);
      } else if (key !== SCHEMA_VERSION_KEY && Array.isArray(value)) {
        const seq = valueNode as YAMLSeq<Node> | null;
        value.forEach((v: unknown, i) => add(key, seq?.items[i] ?? new YAMLMap(), v));
      }
    }
  }
  const doc = new Document();
  const root = new YAMLMap<string, YAMLSeq<Node>>();
  const data: Record<string, unknown> = {};
  for (const [list, { nodes, values }] of Object.entries(lists)) {
    const seq = new YAMLSeq<Node>();
    seq.items.push(...nodes);
    root.set(list, seq);
    data[list] = values;
  }
  doc.contents = root as unknown as Document['contents'];
  return { doc, data, issues: issues.items };
}

/**
 * MetricFlow substitutes `$name` / `${name}` placeholders (its test manifests use `$source_schema`)
 * before parsing; only names given are replaced, anything else is left as written.
 */
export function substituteVars(text: string, vars: Readonly<Record<string, string>> | undefined): string {
  if (!vars || Object.keys(vars).length === 0) return text;
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return Object.hasOwn(vars, name) ? (vars[name] ?? m) : m;
  });
}

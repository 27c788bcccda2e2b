/**
 * Writes a MetricFlow test manifest folder (native YAML documents) as the semantic_manifest.json
 * dbt would compile from it: the same objects, filters as `{where_filters: [{where_sql_template}]}`
 * and measure references as objects. Lets the runner check the manifest input path too (`--json`).
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function filterObject(v: unknown): unknown {
  if (v === undefined || v === null) return v;
  const list = Array.isArray(v) ? v : [v];
  return { where_filters: list.map((w) => ({ where_sql_template: w })) };
}

function input(v: unknown): unknown {
  if (typeof v === 'string') return { name: v };
  return isRecord(v) && 'filter' in v ? { ...v, filter: filterObject(v['filter']) } : v;
}

function metric(m: Json): Json {
  const tp = isRecord(m['type_params']) ? { ...m['type_params'] } : {};
  for (const key of ['measure', 'numerator', 'denominator']) if (key in tp) tp[key] = input(tp[key]);
  if (Array.isArray(tp['metrics'])) tp['metrics'] = tp['metrics'].map(input);
  if (isRecord(tp['cumulative_type_params']) && 'metric' in tp['cumulative_type_params']) {
    tp['cumulative_type_params'] = { ...tp['cumulative_type_params'], metric: input(tp['cumulative_type_params']['metric']) };
  }
  if (isRecord(tp['conversion_type_params'])) {
    const c = { ...tp['conversion_type_params'] };
    for (const key of ['base_measure', 'conversion_measure']) if (key in c) c[key] = input(c[key]);
    tp['conversion_type_params'] = c;
  }
  return { ...m, type_params: tp, ...('filter' in m ? { filter: filterObject(m['filter']) } : {}) };
}

function savedQuery(q: Json): Json {
  const qp = isRecord(q['query_params']) ? { ...q['query_params'] } : {};
  if ('where' in qp) qp['where'] = filterObject(qp['where']);
  return { ...q, query_params: qp };
}

async function yamlTexts(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await yamlTexts(path)));
    else if (e.name.endsWith('.yaml') || e.name.endsWith('.yml')) out.push(await readFile(path, 'utf8'));
  }
  return out;
}

/** Returns the path of the written semantic_manifest.json. */
export async function writeManifestJson(dir: string, vars: Readonly<Record<string, string>>): Promise<string> {
  const manifest = { semantic_models: [] as Json[], metrics: [] as Json[], saved_queries: [] as Json[], project_configuration: {} as Json };
  for (const raw of await yamlTexts(dir)) {
    const text = raw.replace(/\$(\w+)/g, (m, name: string) => vars[name] ?? m);
    for (const doc of parseAllDocuments(text) as { toJS(): unknown }[]) {
      const data = doc.toJS();
      if (!isRecord(data)) continue;
      if (isRecord(data['semantic_model'])) manifest.semantic_models.push(data['semantic_model']);
      if (isRecord(data['metric'])) manifest.metrics.push(metric(data['metric']));
      if (isRecord(data['saved_query'])) manifest.saved_queries.push(savedQuery(data['saved_query']));
      if (isRecord(data['project_configuration'])) manifest.project_configuration = data['project_configuration'];
    }
  }
  const file = join(await mkdtemp(join(tmpdir(), 'mf-manifest-')), 'semantic_manifest.json');
  await writeFile(file, JSON.stringify(manifest, null, 2));
  return file;
}

/** Parses one YAML file, keeping its nodes' positions in the SourceMap. */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { IssueLog } from './issue-log.js';
import { gatherDocuments, isNativeDocument } from './metricflow-documents.js';
import type { SourceMap } from './source-map.js';

export type YamlResult = { readonly ok: true; readonly data: unknown } | { readonly ok: false };

/**
 * A file with one document is read as it is; several documents (`---`), or MetricFlow's native
 * one-key documents (`semantic_model:`, `metric:`, …), are gathered into one dbt-shaped document.
 */
export function parseYamlFile(file: string, text: string, sources: SourceMap, log: IssueLog): YamlResult {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true });
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  let failed = false;
  for (const doc of docs) {
    for (const w of doc.warnings) log.warning(file, '', firstLine(w.message), w.linePos?.[0].line ?? 1);
    for (const e of doc.errors) log.syntaxError(file, `YAML syntax error: ${firstLine(e.message)}`, e.linePos?.[0].line ?? 1);
    failed ||= doc.errors.length > 0;
  }
  if (failed) return { ok: false };
  const only = docs.length === 1 ? docs[0] : undefined;
  if (docs.length === 0 || (only && !isNativeDocument(only))) {
    const doc = only ?? parseAllDocumentsEmpty();
    sources.register(file, doc, lineCounter);
    return { ok: true, data: doc.toJS() };
  }
  const gathered = gatherDocuments(docs);
  sources.register(file, gathered.doc, lineCounter);
  for (const issue of gathered.issues) log.error(file, issue.path, issue.message);
  return { ok: true, data: gathered.data };
}

/** An empty file is an empty document (null contents). */
function parseAllDocumentsEmpty(): Document.Parsed {
  const [doc] = parseAllDocuments('null') as Document.Parsed[];
  return doc!;
}

/** yaml's pretty messages end with " at line N, column M:" and a code excerpt; the issue has the line. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

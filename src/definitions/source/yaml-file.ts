/** Parses one YAML file, keeping its nodes' positions in the SourceMap. */
import { LineCounter, parseDocument } from 'yaml';
import type { IssueLog } from './issue-log.js';
import type { SourceMap } from './source-map.js';

export type YamlResult = { readonly ok: true; readonly data: unknown } | { readonly ok: false };

export function parseYamlFile(file: string, text: string, sources: SourceMap, log: IssueLog): YamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true });
  sources.register(file, doc, lineCounter);
  for (const w of doc.warnings) log.warning(file, '', firstLine(w.message), w.linePos?.[0].line ?? 1);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) log.error(file, '', `YAML syntax error: ${firstLine(e.message)}`, e.linePos?.[0].line ?? 1);
    return { ok: false };
  }
  return { ok: true, data: doc.toJS() };
}

/** yaml's pretty messages end with " at line N, column M:" and a code excerpt; the issue has the line. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

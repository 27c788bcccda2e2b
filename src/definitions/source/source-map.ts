/**
 * Keeps every parsed YAML document with its LineCounter so any issue can be given the line of the
 * node at its YAML path, even long after the document was turned into plain data.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { SourceLocation } from '../model.js';
import { parsePath } from './yaml-path.js';

interface ParsedFile {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

export class SourceMap {
  private readonly files = new Map<string, ParsedFile>();

  register(file: string, doc: Document, lineCounter: LineCounter): void {
    this.files.set(file, { doc, lineCounter });
  }

  /**
   * 1-based line of the node at `path` in `file`: the key's line for map entries, the item's first
   * line for list items. When the path does not exist (a missing key), the deepest existing node.
   */
  line(file: string, path: string): number {
    const parsed = this.files.get(file);
    if (!parsed) return 1;
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : parsed.lineCounter.linePos(offset).line);
    let node: unknown = parsed.doc.contents;
    let line = lineOf(rangeStart(node));
    for (const seg of parsePath(path)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        line = lineOf(rangeStart(pair.key) ?? rangeStart(pair.value));
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined || item === null) break;
        line = lineOf(rangeStart(item));
        node = item;
      } else {
        break;
      }
    }
    return line;
  }

  loc(file: string, path: string): SourceLocation {
    return { file, line: this.line(file, path), path };
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0];
}

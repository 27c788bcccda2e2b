/** Collects definition issues; lines come from the SourceMap, so callers give only file and path. */
import type { DefinitionIssue } from '../../core/errors.js';
import type { SourceLocation } from '../model.js';
import type { SourceMap } from './source-map.js';
import { joinPath } from './yaml-path.js';

export class IssueLog {
  private readonly items: DefinitionIssue[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly sources: SourceMap) {}

  add(severity: DefinitionIssue['severity'], file: string, path: string, message: string, line?: number, syntax = false): void {
    const issue: DefinitionIssue = { severity, file, line: line ?? this.sources.line(file, path), path, message, ...(syntax ? { syntax: true as const } : {}) };
    const key = JSON.stringify(issue);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(issue);
  }

  error(file: string, path: string, message: string, line?: number): void {
    this.add('error', file, path, message, line);
  }

  /** A YAML syntax error: listed before every other issue. */
  syntaxError(file: string, message: string, line: number): void {
    this.add('error', file, '', message, line, true);
  }

  warning(file: string, path: string, message: string, line?: number): void {
    this.add('warning', file, path, message, line);
  }

  /** An error at `sub` below a construct's location, e.g. `errorAt(metric.loc, 'type_params.measure', …)`. */
  errorAt(loc: SourceLocation, sub: string, message: string): void {
    this.error(loc.file, joinPath(loc.path, sub), message);
  }

  warningAt(loc: SourceLocation, sub: string, message: string): void {
    this.warning(loc.file, joinPath(loc.path, sub), message);
  }

  get hasErrors(): boolean {
    return this.items.some((i) => i.severity === 'error');
  }

  /** Some file is not valid YAML: checks across files would only report what it failed to define. */
  get hasSyntaxErrors(): boolean {
    return this.items.some((i) => i.syntax === true);
  }

  /** All issues: YAML syntax errors first, then ordered by file, line and path. */
  list(): DefinitionIssue[] {
    return [...this.items].sort(
      (a, b) => Number(b.syntax === true) - Number(a.syntax === true) || a.file.localeCompare(b.file) || a.line - b.line || a.path.localeCompare(b.path),
    );
  }
}

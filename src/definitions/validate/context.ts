/** What every validation rule gets: the specs, their index and a way to report issues. */
import type { SourceLocation } from '../model.js';
import type { IssueLog } from '../source/issue-log.js';
import type { SourceMap } from '../source/source-map.js';
import { joinPath } from '../source/yaml-path.js';
import type { SpecIndex } from '../spec-index.js';
import { unknownMessage } from '../did-you-mean.js';

export interface RuleContext {
  readonly index: SpecIndex;
  error(loc: SourceLocation, sub: string, message: string): void;
  warning(loc: SourceLocation, sub: string, message: string): void;
  /**
   * Reports `unknown <kind> '<name>' (did you mean …?)` unless the name belongs to an entry that
   * already failed its schema (that error explains it).
   */
  unknown(loc: SourceLocation, sub: string, kind: string, name: string, candidates: Iterable<string>, scope?: string): void;
  /** The location (with its own line) of `sub` below `loc`. */
  locate(loc: SourceLocation, sub: string): SourceLocation;
}

/** A validation rule: checks one group of spec section 2's rules and reports into the context. */
export type Rule = (ctx: RuleContext) => void;

export function makeRuleContext(index: SpecIndex, log: IssueLog, sources: SourceMap): RuleContext {
  return {
    index,
    locate: (loc, sub) => sources.loc(loc.file, joinPath(loc.path, sub)),
    error: (loc, sub, message) => log.errorAt(loc, sub, message),
    warning: (loc, sub, message) => log.warningAt(loc, sub, message),
    unknown: (loc, sub, kind, name, candidates, scope) => {
      if (!index.isBroken(name.toLowerCase())) log.errorAt(loc, sub, unknownMessage(kind, name, candidates, scope));
    },
  };
}

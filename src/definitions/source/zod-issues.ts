/**
 * Turns zod issues into definition issues: readable messages, one issue per unknown key (each with
 * its own line and did-you-mean), and for `string | object` unions the branch the author meant.
 */
import type { z } from 'zod';
import type { IssueLog } from './issue-log.js';
import { formatPath, type PathSegment } from './yaml-path.js';

type ZodIssue = z.core.$ZodIssue;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `'${v}'`;
  return `${typeof v} ${String(v)}`;
}

/** Reports `issues` (from parsing the value at `prefix` in `file`) into `log`. */
export function reportZodIssues(issues: readonly ZodIssue[], file: string, prefix: readonly PathSegment[], log: IssueLog): void {
  for (const iss of issues) reportOne(iss, file, [...prefix, ...(iss.path as PathSegment[])], log);
}

function reportOne(iss: ZodIssue, file: string, path: PathSegment[], log: IssueLog): void {
  switch (iss.code) {
    case 'unrecognized_keys': {
      const lines = iss.message.split('\n');
      iss.keys.forEach((key, i) => log.error(file, formatPath([...path, key]), lines[i] ?? `unknown key '${key}'`));
      return;
    }
    case 'invalid_union': {
      // A branch whose issues are not all "wrong type at the root" is the form the author was writing.
      const meant = iss.errors.find((branch) => !branch.every((b) => b.code === 'invalid_type' && b.path.length === 0));
      if (meant) {
        reportZodIssues(meant, file, path, log);
        return;
      }
      const expected = iss.errors
        .flat()
        .map((b) => (b.code === 'invalid_type' ? (EXPECTED[b.expected] ?? b.expected) : undefined))
        .filter((e): e is string => e !== undefined);
      log.error(file, formatPath(path), `expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(iss.input)}`);
      return;
    }
    case 'invalid_type': {
      const last = path[path.length - 1];
      const message =
        iss.input === undefined && typeof last === 'string'
          ? `missing required key '${last}'`
          : `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
      log.error(file, formatPath(path), message);
      return;
    }
    case 'too_small': {
      const message = iss.origin === 'string' ? 'must not be empty' : `must be at least ${String(iss.minimum)}`;
      log.error(file, formatPath(path), message);
      return;
    }
    default:
      log.error(file, formatPath(path), iss.message);
  }
}

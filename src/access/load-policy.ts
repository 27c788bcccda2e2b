/**
 * Loading the access policy file: YAML with positions, the zod shape (policy-schema.ts), then the
 * references against the loaded definitions (validate-policy.ts). Every problem is reported as
 * `file:line path: message`, like definition errors; any error refuses the whole policy.
 */
import { readFile } from 'node:fs/promises';
import { formatIssue, MaatstafError, type DefinitionIssue } from '../core/errors.js';
import { IssueLog } from '../definitions/source/issue-log.js';
import { SourceMap } from '../definitions/source/source-map.js';
import { parseYamlFile } from '../definitions/source/yaml-file.js';
import { reportZodIssues } from '../definitions/source/zod-issues.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { AccessPolicySchema, type AccessPolicy } from './policy-schema.js';
import { validatePolicy } from './validate-policy.js';

export interface PolicyLoadResult {
  readonly policy?: AccessPolicy;
  /** Errors and warnings, ordered by line. */
  readonly issues: readonly DefinitionIssue[];
}

/**
 * Parses and validates policy text; `file` is only used in messages. Without a graph (definitions
 * not loaded) only the shape is checked; references are checked when the definitions load.
 */
export function parseAccessPolicy(file: string, text: string, graph: SemanticGraph | undefined): PolicyLoadResult {
  const sources = new SourceMap();
  const log = new IssueLog(sources);
  const parsed = parseYamlFile(file, text, sources, log);
  if (!parsed.ok) return { issues: log.list() };
  const shape = AccessPolicySchema.safeParse(parsed.data ?? {}, { reportInput: true });
  if (!shape.success) {
    reportZodIssues(shape.error.issues, file, [], log);
    return { issues: log.list() };
  }
  if (graph) validatePolicy(shape.data, graph, file, log);
  if (log.hasErrors) return { issues: log.list() };
  return { policy: { spec: shape.data, source: file }, issues: log.list() };
}

/** Reads and validates the policy file; INVALID_CONFIG listing every error (file:line) when it does not load. */
export async function loadAccessPolicy(file: string, graph: SemanticGraph | undefined): Promise<{ policy: AccessPolicy; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new MaatstafError('INVALID_CONFIG', `access policy not readable: ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { name: file });
  }
  const result = parseAccessPolicy(file, text, graph);
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (!result.policy || errors.length) {
    throw new MaatstafError('INVALID_CONFIG', `${errors.length} access policy error(s):\n${errors.map(formatIssue).join('\n')}`, { name: file });
  }
  return { policy: result.policy, warnings: result.issues.filter((i) => i.severity === 'warning').map(formatIssue) };
}

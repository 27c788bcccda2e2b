/** `maatstaf diff OLD_DIR NEW_DIR`: what a change to the definitions does to each metric. Exit 0. */
import { Option, type Command } from 'commander';
import { formatIssue } from '../core/errors.js';
import { loadDefinitions } from '../definitions/index.js';
import { diffDefinitions, type DefinitionsDiff } from '../engine/definitions-diff.js';
import { buildSemanticGraph, type SemanticGraph } from '../semantic-graph/index.js';
import { CliExit } from './fail.js';

/** The graph of a definitions folder, without a warehouse (time columns read as timestamp). */
export async function graphOfFolder(dir: string): Promise<SemanticGraph> {
  const loaded = await loadDefinitions(dir);
  if (!loaded.definitions) {
    const errors = loaded.issues.filter((i) => i.severity === 'error').map(formatIssue);
    throw new CliExit(1, `the definitions in ${dir} do not load:\n${errors.join('\n')}`);
  }
  return buildSemanticGraph(loaded.definitions);
}

const VERDICT = { results_may_change: 'results may change', results_unchanged: 'results unchanged (metadata only)' } as const;

export function formatDiff(diff: DefinitionsDiff): string {
  const lines: string[] = [];
  for (const n of diff.added) lines.push(`+ ${n} (added)`);
  for (const n of diff.removed) lines.push(`- ${n} (removed)`);
  for (const c of diff.changed) {
    lines.push(`~ ${c.name}: ${VERDICT[c.verdict]}`, `    changed: ${c.fields.join(', ')}`);
    if (c.note) lines.push(`    note: ${c.note}`);
  }
  if (lines.length === 0) lines.push('no metric changes');
  const mayChange = diff.changed.filter((c) => c.verdict === 'results_may_change').length;
  lines.push(
    '',
    `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed (${mayChange} with results that may change), ${diff.unchanged.length} unchanged`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('compare two definitions folders: added, removed and changed metrics, and whether results may change')
    .argument('<old-dir>', 'definitions before the change')
    .argument('<new-dir>', 'definitions after the change')
    .addOption(new Option('--json', 'machine-readable {added, removed, changed, unchanged}'))
    .action(async (oldDir: string, newDir: string, flags: { json?: boolean }) => {
      const diff = diffDefinitions(await graphOfFolder(oldDir), await graphOfFolder(newDir));
      process.stdout.write(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
    });
}

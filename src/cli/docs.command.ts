/**
 * `maatstaf docs --out DIR`: the static HTML metrics catalog. Reads the warehouse only to learn
 * time column types (for accurate example SQL) when one is configured or the embedded one exists.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config/config.js';
import { introspectTimeTypes } from '../engine/introspect-time-types.js';
import { buildSemanticGraph, type SemanticGraph } from '../semantic-graph/index.js';
import { catalogPages } from './docs/catalog-pages.js';
import { graphOfFolder } from './diff.command.js';
import { CliExit } from './fail.js';
import { configFrom, withWarehouseFlags, type CommonFlags } from './flags.js';
import { withReadWarehouse } from './read-warehouse.js';

async function docsGraph(config: Config): Promise<SemanticGraph> {
  const hasWarehouse = config.databaseUrl !== undefined || existsSync(resolve(config.dataDir, 'pgdata'));
  if (!hasWarehouse) {
    process.stderr.write('maatstaf: no warehouse configured; example SQL assumes time columns without time zone\n');
    return graphOfFolder(config.metricsDir);
  }
  const defs = await graphOfFolder(config.metricsDir).then((g) => g.definitions);
  return withReadWarehouse(config, async (wh) => {
    const types = await introspectTimeTypes(defs, wh);
    return buildSemanticGraph(defs, { timeColumnTypes: types.lookup });
  });
}

/** Writes the catalog into `out`; returns the files written (relative paths). */
export async function writeDocs(graph: SemanticGraph, out: string): Promise<string[]> {
  const files = catalogPages(graph);
  for (const f of files) {
    const path = join(out, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content, 'utf8');
  }
  return files.map((f) => f.path);
}

export function registerDocsCommand(program: Command): void {
  withWarehouseFlags(program.command('docs').description('write a static HTML catalog of the metrics'))
    .addOption(new Option('--out <dir>', 'output folder').makeOptionMandatory())
    .action(async (flags: CommonFlags & { out: string }) => {
      const config = configFrom(flags);
      const graph = await docsGraph(config);
      const written = await writeDocs(graph, flags.out).catch((e: Error) => {
        throw new CliExit(1, `cannot write to ${flags.out}: ${e.message}`);
      });
      process.stdout.write(`wrote ${written.length} pages to ${flags.out} (${join(flags.out, 'index.html')})\n`);
    });
}

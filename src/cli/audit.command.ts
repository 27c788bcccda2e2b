/**
 * `maatstaf audit verify` checks the audit table's hash chain and prints its head hash (export it
 * and pass it back with --head later); `maatstaf audit prune --before <date>` removes older entries
 * and leaves a signed summary. Both run on the audit database: --database-url, else
 * MAATSTAF_AUDIT_DATABASE_URL, else DATABASE_URL, else the embedded demo database in --data-dir.
 * Exit codes: 0 intact / pruned, 1 a broken chain or a refused prune, 2 bad usage or settings.
 */
import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { pruneAuditLog, verifyAuditLog } from '../audit/retention.js';
import type { ChainReport } from '../audit/chain.js';
import { migrateAuditStore } from '../audit/store.js';
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CliExit } from './fail.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

interface AuditFlags {
  databaseUrl?: string;
  dataDir?: string;
  auditSchema?: string;
  head?: string;
  before?: string;
}

function withAuditDbFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--database-url <url>', 'the audit database (env MAATSTAF_AUDIT_DATABASE_URL, then DATABASE_URL); default: the embedded demo database'))
    .addOption(new Option('--data-dir <dir>', 'embedded database folder (env MAATSTAF_DATA_DIR, default .maatstaf)'))
    .addOption(new Option('--audit-schema <name>', 'schema of the audit table (env MAATSTAF_AUDIT_SCHEMA, default maatstaf_audit)'));
}

async function openAuditDb(flags: AuditFlags): Promise<{ wh: Warehouse; config: Config }> {
  const config = loadConfig({ auditDatabaseUrl: flags.databaseUrl, dataDir: flags.dataDir, auditSchema: flags.auditSchema });
  const url = config.auditDatabaseUrl ?? config.databaseUrl;
  const wh = url ? await openWarehouse({ databaseUrl: url, poolSize: 2, statementTimeoutMs: config.statementTimeoutMs }) : await openConfiguredWarehouse(config);
  try {
    // A store written by an older version gets its chain first (the migration seals old rows).
    await migrateAuditStore(wh, config.auditSchema);
  } catch (e) {
    await wh.close();
    throw e;
  }
  return { wh, config };
}

/** The verify report as text (pure; tested). */
export function reportText(report: ChainReport): string {
  const lines = [`audit chain: ${report.entries} entries${report.ok ? ', intact' : ''}`];
  if (report.broken) lines.push(`BROKEN at entry #${report.broken.id}: ${report.broken.reason}`);
  if (report.problem) lines.push(`NOT VERIFIED: ${report.problem}`);
  if (report.prunedBy !== undefined) lines.push(`older entries pruned: summary #${report.prunedBy}${report.ok ? ' (signature valid)' : ''}`);
  if (report.head) lines.push(`head: #${report.head.id} ${report.head.hash}`, '(keep the head hash outside the database; check later with --head <hash>)');
  return lines.join('\n') + '\n';
}

function progressWriter(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    stream.write(`prune: ${done}/${total} entries removed (${tenth * 10}%)\n`);
  };
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('check and prune the audit log');
  withAuditDbFlags(audit.command('verify').description('check the hash chain of the audit log; prints the head hash, exits 1 at the first broken entry'))
    .addOption(new Option('--head <hash>', 'a head hash exported earlier: it must still be in the chain'))
    .action(async (flags: AuditFlags) => {
      if (flags.head !== undefined && !/^[0-9a-f]{64}$/.test(flags.head)) throw new CliExit(2, `invalid --head '${flags.head}': a sha256 hash in hex (64 characters)`);
      const { wh, config } = await openAuditDb(flags);
      try {
        const report = await verifyAuditLog(wh, config.auditSchema, { key: config.auditSigningKey, knownHash: flags.head });
        process.stdout.write(reportText(report));
        if (!report.ok) throw new CliExit(1, report.broken ? `audit chain broken at entry #${report.broken.id}` : 'audit chain not verified');
      } finally {
        await wh.close();
      }
    });
  withAuditDbFlags(audit.command('prune').description('remove audit entries recorded before a date, leaving a summary signed with MAATSTAF_AUDIT_SIGNING_KEY'))
    .requiredOption('--before <date>', 'ISO 8601 date or date-time (e.g. 2025-01-01): entries recorded before it are removed')
    .action(async (flags: AuditFlags) => {
      const before = new Date(flags.before!);
      if (!/^\d{4}-\d\d-\d\d/.test(flags.before!) || Number.isNaN(before.getTime())) throw new CliExit(2, `invalid --before '${flags.before}': use an ISO date such as 2025-01-01`);
      const { wh, config } = await openAuditDb(flags);
      try {
        const result = await pruneAuditLog(wh, config.auditSchema, { before, key: config.auditSigningKey, onProgress: progressWriter() });
        if (result.status === 'refused') {
          if (result.report) process.stdout.write(reportText(result.report));
          throw new CliExit(config.auditSigningKey ? 1 : 2, `prune refused: ${result.reason}`);
        }
        if (result.status === 'nothing') {
          process.stdout.write(`nothing to prune: ${result.reason}\n`);
          return;
        }
        const s = result.summary;
        process.stdout.write(`pruned ${s.entries} entries (#${s.firstId}–#${s.lastId}, ${s.from} – ${s.to}); signed summary #${result.summaryId}\n`);
      } finally {
        await wh.close();
      }
    });
}

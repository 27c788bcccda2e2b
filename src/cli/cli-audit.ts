/**
 * `maatstaf query` against a database URL reads the same personal data the server does, so it is
 * audited the same way (interface `cli`): the audit layer (src/layers) around the loaded engine,
 * on MAATSTAF_AUDIT_DATABASE_URL or the warehouse's audit schema. Personal data fails closed (exit 1,
 * AUDIT_UNAVAILABLE) when its entry cannot be stored. The embedded demo and MAATSTAF_AUDIT=false
 * are not audited. The caller is the operating-system user (the CLI has no access policy).
 */
import { userInfo } from 'node:os';
import type { Caller } from '../access/caller.js';
import { setupAuditLog } from '../audit/setup.js';
import type { Config } from '../config/config.js';
import type { Engine } from '../engine/types.js';
import { callerLayers } from '../layers/caller-engine.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** Problems of the audit store on stderr; the entries themselves are not echoed (stdout is the result). */
const STDERR_LOG = {
  info: () => {},
  warn: (_obj: object, msg: string) => process.stderr.write(`maatstaf: ${msg}\n`),
  error: (_obj: object, msg: string) => process.stderr.write(`maatstaf: ${msg}\n`),
};

function cliCaller(): Caller {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no user name on this system (a container without passwd entry)
  }
  return { id: `cli:${user}`, kind: 'cli', roles: [] };
}

/** Runs `work` with `engine` behind the audit layer when an audit log applies; the log is flushed before returning. */
export async function withCliAudit<T>(config: Config, wh: Warehouse, engine: Engine, work: (engine: Engine) => Promise<T>): Promise<T> {
  if (!config.databaseUrl || !config.audit) return work(engine);
  const setup = await setupAuditLog(wh, { auditDatabaseUrl: config.auditDatabaseUrl, auditSchema: config.auditSchema, log: STDERR_LOG });
  try {
    const layers = callerLayers({ audit: setup.audit }, engine, cliCaller(), { interface: 'cli' });
    return await work(layers[layers.length - 1]!.engine);
  } finally {
    await setup.close();
  }
}

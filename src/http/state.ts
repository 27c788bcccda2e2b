import type { AccessPolicy } from '../access/policy-schema.js';
import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { AuditLog } from '../audit/types.js';
import type { CacheLayer } from '../cache/speed-layer.js';
import type { QueryLimits } from '../limits/limited-engine.js';

/**
 * What the HTTP layer needs at run time. `engine` is the engine of the loaded definitions (absent
 * while they do not load); interfaces get it with its layers (cache, access, limits, audit) from
 * src/layers/caller-engine.ts.
 */
export interface ServerState {
  readonly warehouse: Warehouse;
  engine: Engine | undefined;
  /** The result cache (src/cache/speed-layer.ts); absent = no cache (tests). */
  cache?: CacheLayer | undefined;
  definitionsError: string | undefined;
  /**
   * Non-fatal: the last reload of the definitions failed (one line per problem, file:line) and the
   * last valid set is still served. Shown on /readyz; cleared by the next successful reload.
   */
  definitionsWarnings?: readonly string[] | undefined;
  /**
   * Access policy (src/access): who may use which metrics. Absent = every caller may use everything
   * (tests, development without metrics/access.yml). Replaced when the policy file is reloaded.
   */
  access?: AccessPolicy | undefined;
  /** The audit log (src/audit); absent = queries are not audited (tests, MAATSTAF_AUDIT=false). */
  audit?: AuditLog | undefined;
  /** Per-query limits (src/limits/limited-engine.ts); absent = only the query schema's caps. */
  queryLimits?: QueryLimits | undefined;
  /** false: CSV text cells are written without formula neutralisation (src/core/csv-cell.ts); absent = on. */
  csvFormulaEscape?: boolean | undefined;
}

import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** Called after the definitions were reloaded into a new engine (e.g. to rebuild the GraphQL schema). */
export type ReloadHook = (engine: Engine) => void | Promise<void>;

/** What the HTTP layer needs at run time. `engine` is absent while definitions do not load. */
export interface ServerState {
  readonly warehouse: Warehouse;
  engine: Engine | undefined;
  definitionsError: string | undefined;
  /**
   * Non-fatal: the last reload of the definitions failed (one line per problem, file:line) and the
   * last valid set is still served. Shown on /readyz; cleared by the next successful reload.
   */
  definitionsWarnings?: readonly string[] | undefined;
  /** Run in order after each successful reload (`maatstaf serve --watch`). */
  onReload?: ReloadHook[];
}

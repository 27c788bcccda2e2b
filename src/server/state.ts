import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** What the HTTP layer needs at run time. `engine` is absent while definitions do not load. */
export interface ServerState {
  readonly warehouse: Warehouse;
  engine: Engine | undefined;
  definitionsError: string | undefined;
}

import type { ServerState } from '../../../server/state.js';

/** What every REST route plugin receives. */
export interface RestOptions {
  readonly state: ServerState;
}

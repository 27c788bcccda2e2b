import type { ServerState } from '../../../http/state.js';

/** What every REST route plugin receives. */
export interface RestOptions {
  readonly state: ServerState;
}

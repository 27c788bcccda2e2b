/**
 * Moved to the HTTP kernel (src/http/state.ts). This re-export remains only for
 * src/access/engine-for.ts, which the engine-layers rework replaces; delete it with that import
 * (tests/unit/architecture/layers.test.ts lists the edge as known).
 */
export type { ReloadHook, ServerState } from '../http/state.js';

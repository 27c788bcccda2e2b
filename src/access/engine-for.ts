/**
 * The one place interfaces get their engine: the loaded engine as the caller may use it. Without
 * an access policy (tests, development) that is the loaded engine itself; with one, an
 * access-checked view (access-view.ts). Compiled policies and views are cached per loaded engine,
 * so a reload of the definitions or of the policy starts afresh and a request costs two map lookups.
 */
import { createAuditedEngine, type AuditMeta } from '../audit/audited-engine.js';
import type { AuditInterface } from '../audit/types.js';
import { MaatstafError } from '../core/errors.js';
import { createLimitedEngine, type QueryLimits } from '../server/hardening-limits.js';
import type { Engine } from '../engine/types.js';
import type { ServerState } from '../server/state.js';
import { createAccessView, type AccessCheckedEngine } from './access-view.js';
import type { Caller } from './caller.js';
import { callerAccess, effectiveRoleNames } from './caller-access.js';
import { compilePolicy, type CompiledPolicy } from './grants.js';
import type { AccessPolicy } from './policy-schema.js';

interface PerEngine {
  readonly policy: CompiledPolicy;
  /** Views by effective role names (unknown roles dropped, so the map stays small). */
  readonly views: Map<string, AccessCheckedEngine>;
  /** The same views by caller object (anonymous, a verified API key): no role expansion per request. */
  readonly byCaller: WeakMap<Caller, AccessCheckedEngine>;
}

const compiled = new WeakMap<AccessPolicy, WeakMap<Engine, PerEngine>>();

function perEngine(policy: AccessPolicy, engine: Engine): PerEngine {
  let byEngine = compiled.get(policy);
  if (!byEngine) compiled.set(policy, (byEngine = new WeakMap()));
  let entry = byEngine.get(engine);
  if (!entry) byEngine.set(engine, (entry = { policy: compilePolicy(policy.spec, engine.graph), views: new Map(), byCaller: new WeakMap() }));
  return entry;
}

/** The access-checked view of `engine` for `caller` under `policy`. */
export function accessViewFor(engine: Engine, policy: AccessPolicy, caller: Caller): AccessCheckedEngine {
  const entry = perEngine(policy, engine);
  const known = entry.byCaller.get(caller);
  if (known) return known;
  const key = effectiveRoleNames(entry.policy, caller).join('\u0000');
  let view = entry.views.get(key);
  if (!view) entry.views.set(key, (view = createAccessView(engine, callerAccess(entry.policy, engine.graph, caller))));
  entry.byCaller.set(caller, view);
  return view;
}

const limitedViews = new WeakMap<Engine, { readonly limits: QueryLimits; readonly engine: Engine }>();

/** The limits around `view`, built once per view and limits (not on every request: a hot path). */
function limitedView(view: Engine, limits: QueryLimits): Engine {
  const found = limitedViews.get(view);
  if (found?.limits === limits) return found.engine;
  const engine = createLimitedEngine(view, limits);
  limitedViews.set(view, { limits, engine });
  return engine;
}

/**
 * `engine` (a snapshot of state.engine) as `caller` may use it. The per-query limits and the audit
 * log (when configured) wrap the access check from OUTSIDE, so refusals are recorded too.
 */
export function engineForLoaded(
  state: Pick<ServerState, 'access' | 'audit' | 'queryLimits'>,
  engine: Engine,
  caller: Caller,
  meta: AuditMeta = { interface: 'rest' },
): Engine {
  // Per request only when the meta names the request; otherwise (REST: the request id comes with
  // each run) one engine per loaded engine, policy, limits, audit log, caller and interface.
  if (state.audit && (meta.requestId !== undefined || meta.rowFilters !== undefined)) {
    return createAuditedEngine(limitedFor(state, engine, caller), state.audit, caller, meta);
  }
  // A hot path (every cached answer): two lookups while nothing was reloaded.
  let callers = byEngine.get(engine);
  if (!callers) byEngine.set(engine, (callers = new WeakMap()));
  let known = callers.get(caller);
  if (!known || known.access !== state.access || known.audit !== state.audit || known.limits !== state.queryLimits) {
    callers.set(caller, (known = { access: state.access, audit: state.audit, limits: state.queryLimits, byInterface: new Map() }));
  }
  let found = known.byInterface.get(meta.interface);
  if (!found) {
    const limited = limitedFor(state, engine, caller);
    known.byInterface.set(meta.interface, (found = state.audit ? createAuditedEngine(limited, state.audit, caller, { interface: meta.interface }) : limited));
  }
  return found;
}

/** The access view with the per-query limits around it. */
function limitedFor(state: Pick<ServerState, 'access' | 'queryLimits'>, engine: Engine, caller: Caller): Engine {
  const view = state.access ? accessViewFor(engine, state.access, caller) : engine;
  return state.queryLimits ? limitedView(view, state.queryLimits) : view;
}

interface CallerEngines {
  readonly access: ServerState['access'];
  readonly audit: ServerState['audit'];
  readonly limits: ServerState['queryLimits'];
  readonly byInterface: Map<AuditInterface, Engine>;
}

/**
 * The last engines built per loaded engine and caller object, with what they were built from. Keyed
 * by the loaded engine first, so a reload's old engine is not kept alive by long-lived callers.
 */
const byEngine = new WeakMap<Engine, WeakMap<Caller, CallerEngines>>();

/** The loaded engine as `caller` may use it; NOT_READY (503) while the definitions do not load. */
export function engineFor(state: ServerState, caller: Caller, meta?: AuditMeta): Engine {
  if (!state.engine) throw new MaatstafError('NOT_READY', 'the metric definitions are not loaded; see /readyz');
  return engineForLoaded(state, state.engine, caller, meta);
}

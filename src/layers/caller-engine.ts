/**
 * The engine layers, in their one order, and the one place interfaces get their engine: the loaded
 * engine as one caller may use it. Each layer implements the whole Engine interface itself (no
 * prototype fallthrough); what a lower layer learns about a query reaches the upper ones through
 * `Engine.classify` (sensitivity from the unchecked plan, the caller's row rules).
 *
 * Innermost first:
 *   engine  (src/engine: parse, canonical names, plan with privacy protection, warehouse)
 *   cache   (src/cache: one per loaded engine, shared by all callers; their scopes keep answers apart)
 *   access  (src/access: grants, row rules, the caller's scope for the cache key)
 *   limits  (src/limits: per-query shape and row limits)
 *   audit   (src/audit: outermost, so refusals by access and limits are recorded too)
 */
import { accessViewFor } from '../access/access-view-for.js';
import type { Caller } from '../access/caller.js';
import type { AccessPolicy } from '../access/policy-schema.js';
import { createAuditedEngine, type AuditMeta } from '../audit/audited-engine.js';
import type { AuditInterface, AuditLog } from '../audit/types.js';
import type { CacheLayer } from '../cache/speed-layer.js';
import { MaatstafError } from '../core/errors.js';
import type { Engine } from '../engine/types.js';
import { createLimitedEngine, type QueryLimits } from '../limits/limited-engine.js';

/** The layers a caller's engine has, innermost first. */
export const ENGINE_LAYERS = ['engine', 'cache', 'access', 'limits', 'audit'] as const;
export type EngineLayerName = (typeof ENGINE_LAYERS)[number];

/** What the per-caller layers are built from (a subset of the server's state). */
export interface LayerSettings {
  /** The result cache (src/cache/speed-layer.ts); absent = every query runs on the warehouse. */
  readonly cache?: CacheLayer | undefined;
  /** Access policy; absent = every caller may use everything (tests, development). */
  readonly access?: AccessPolicy | undefined;
  /** Audit log; absent = nothing is recorded (MAATSTAF_AUDIT=false, tests). */
  readonly audit?: AuditLog | undefined;
  /** Per-query limits; absent = only the query schema's caps. */
  readonly queryLimits?: QueryLimits | undefined;
}

export interface EngineLayer {
  readonly name: EngineLayerName;
  readonly engine: Engine;
}

/** Per view: the limits the engines were built with, and the engines for named and anonymous callers. */
const limitedViews = new WeakMap<Engine, { readonly limits: QueryLimits; named?: Engine; anonymous?: Engine }>();

/**
 * The limits around `view`, built once per view, limits and kind of caller (not on every request: a
 * hot path). Anonymous callers get their own engine: their answers have a row bound (src/limits/row-bounds.ts).
 */
function limitedView(view: Engine, limits: QueryLimits, anonymous: boolean): Engine {
  let found = limitedViews.get(view);
  if (found?.limits !== limits) limitedViews.set(view, (found = { limits }));
  const kind = anonymous ? 'anonymous' : 'named';
  return (found[kind] ??= createLimitedEngine(view, limits, { anonymous }));
}

/**
 * THE order of the layers around `loaded` (the engine of the loaded definitions): the result
 * cache, then access, then limits, then audit. Layers that are not configured are left out.
 * Returns every layer, innermost first; the last one is the caller's engine.
 */
export function callerLayers(settings: LayerSettings, loaded: Engine, caller: Caller, meta: AuditMeta = { interface: 'rest' }): EngineLayer[] {
  const layers: EngineLayer[] = [{ name: 'engine', engine: loaded }];
  const top = () => layers[layers.length - 1]!.engine;
  if (settings.cache) layers.push({ name: 'cache', engine: settings.cache.wrap(loaded) });
  if (settings.access) layers.push({ name: 'access', engine: accessViewFor(top(), settings.access, caller) });
  if (settings.queryLimits) layers.push({ name: 'limits', engine: limitedView(top(), settings.queryLimits, caller.kind === 'anonymous') });
  if (settings.audit) layers.push({ name: 'audit', engine: createAuditedEngine(top(), settings.audit, caller, meta) });
  return layers;
}

interface CallerEngines {
  readonly cache: LayerSettings['cache'];
  readonly access: LayerSettings['access'];
  readonly audit: LayerSettings['audit'];
  readonly limits: LayerSettings['queryLimits'];
  readonly byInterface: Map<AuditInterface, Engine>;
}

/**
 * The last engines built per loaded engine and caller object, with what they were built from. Keyed
 * by the loaded engine first, so a reload's old engine is not kept alive by long-lived callers.
 */
const byEngine = new WeakMap<Engine, WeakMap<Caller, CallerEngines>>();

const topOf = (layers: readonly EngineLayer[]): Engine => layers[layers.length - 1]!.engine;

/**
 * `engine` (a snapshot of the loaded engine) as `caller` may use it: callerLayers' top layer.
 * Built once per loaded engine, settings, caller and interface unless the meta names the request.
 */
export function engineForLoaded(settings: LayerSettings, engine: Engine, caller: Caller, meta: AuditMeta = { interface: 'rest' }): Engine {
  // Per request only when the meta names the request; otherwise (REST: the request id comes with
  // each run) one engine per loaded engine, cache, policy, limits, audit log, caller and interface.
  if (settings.audit && (meta.requestId !== undefined || meta.rowFilters !== undefined)) return topOf(callerLayers(settings, engine, caller, meta));
  // A hot path (every cached answer): two lookups while nothing was reloaded.
  let callers = byEngine.get(engine);
  if (!callers) byEngine.set(engine, (callers = new WeakMap()));
  let known = callers.get(caller);
  if (!known || known.cache !== settings.cache || known.access !== settings.access || known.audit !== settings.audit || known.limits !== settings.queryLimits) {
    callers.set(caller, (known = { cache: settings.cache, access: settings.access, audit: settings.audit, limits: settings.queryLimits, byInterface: new Map() }));
  }
  let found = known.byInterface.get(meta.interface);
  if (!found) known.byInterface.set(meta.interface, (found = topOf(callerLayers(settings, engine, caller, { interface: meta.interface }))));
  return found;
}

/** The loaded engine as `caller` may use it; NOT_READY (503) while the definitions do not load. */
export function engineFor(state: LayerSettings & { readonly engine: Engine | undefined }, caller: Caller, meta?: AuditMeta): Engine {
  if (!state.engine) throw new MaatstafError('NOT_READY', 'the metric definitions are not loaded; see /readyz');
  return engineForLoaded(state, state.engine, caller, meta);
}

/**
 * The access-checked view (access-view.ts) of a loaded engine for one caller under one policy.
 * Compiled policies and views are cached per loaded engine, so a reload of the definitions or of
 * the policy starts afresh and a request costs two map lookups.
 */
import type { Engine } from '../engine/types.js';
import { createAccessView } from './access-view.js';
import type { Caller } from './caller.js';
import { callerAccess, effectiveRoleNames } from './caller-access.js';
import { compilePolicy, type CompiledPolicy } from './grants.js';
import type { AccessPolicy } from './policy-schema.js';

interface PerEngine {
  readonly policy: CompiledPolicy;
  /** Views by effective role names (unknown roles dropped, so the map stays small). */
  readonly views: Map<string, Engine>;
  /** The same views by caller object (anonymous, a verified API key): no role expansion per request. */
  readonly byCaller: WeakMap<Caller, Engine>;
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
export function accessViewFor(engine: Engine, policy: AccessPolicy, caller: Caller): Engine {
  const entry = perEngine(policy, engine);
  const known = entry.byCaller.get(caller);
  if (known) return known;
  const key = effectiveRoleNames(entry.policy, caller).join('\u0000');
  let view = entry.views.get(key);
  if (!view) entry.views.set(key, (view = createAccessView(engine, callerAccess(entry.policy, engine.graph, caller))));
  entry.byCaller.set(caller, view);
  return view;
}

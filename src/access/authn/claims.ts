/**
 * Roles from a verified token's claims: a configurable claim (dot path, e.g. Entra ID `roles` or
 * `groups`, Keycloak `realm_access.roles`), optionally translated through a map (Entra group object
 * ids → role names).
 */
import { MaatstafError } from '../../core/errors.js';
import { ROLE_PATTERN } from './api-keys.js';

/** At most this many roles are read from one token (a token is input; keep the work bounded). */
const MAX_ROLES = 200;

/** The value at a dot path (`realm_access.roles`); a claim named with a dot itself wins over the path. */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let node: unknown = payload;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The caller's roles: the claim's strings (an array, or one space-separated string like `scope`),
 * mapped when a map is given (then unmapped values are dropped: a group id nobody mapped grants
 * nothing). Values that are not plain role names are ignored.
 */
export function rolesFromClaims(payload: Record<string, unknown>, claimPath: string, roleMap?: ReadonlyMap<string, readonly string[]>): string[] {
  const value = claimAt(payload, claimPath);
  const raw = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : [];
  const roles = new Set<string>();
  for (const v of raw.slice(0, MAX_ROLES)) {
    if (typeof v !== 'string' || v === '') continue;
    if (roleMap) for (const r of roleMap.get(v) ?? []) roles.add(r);
    else if (ROLE_PATTERN.test(v)) roles.add(v);
  }
  return [...roles];
}

/**
 * Parses `MAATSTAF_OIDC_ROLE_MAP`: `value=role,value2=role2` (a value may map to several roles by
 * repeating it). Values are claim strings such as Entra group object ids.
 */
export function parseRoleMap(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.lastIndexOf('=');
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq <= 0 || from === '' || !ROLE_PATTERN.test(to)) {
      throw new MaatstafError('INVALID_CONFIG', `invalid setting MAATSTAF_OIDC_ROLE_MAP: '${pair}' is not 'claim-value=role'`, { name: 'oidcRoleMap' });
    }
    map.set(from, [...(map.get(from) ?? []), to]);
  }
  return map;
}

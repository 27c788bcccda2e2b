/**
 * Which verified JWTs count as access tokens for this API (RFC 9068), and whose identity they carry.
 * An ID token is proof of a login for the client that asked for it, not a credential for an API, so
 * it is refused even when its signature, issuer and audience check out:
 *  - the `typ` header, when present, must be `at+jwt` (RFC 9068) or `JWT` (what most identity
 *    providers, Entra ID included, put on access tokens); any other type is refused;
 *  - a `typ` claim of `ID` (Keycloak's ID tokens) is refused;
 *  - a token with an ID-token-only claim (`nonce`, `at_hash`, `c_hash`, OIDC Core §2 and §3.x) is
 *    refused unless it also has an access-token shape: `typ: at+jwt`, a `scope`/`scp` claim, or a
 *    `typ` claim of `Bearer` (Keycloak before 25 put `nonce` into its access tokens).
 * The caller's id is the subject claim (default `sub`): a token without it is refused, never
 * served as an unnamed caller.
 */
import { claimAt } from './claims.js';

/** Header `typ` values of access tokens (compared case-insensitively, `application/` prefix dropped). */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'jwt']);
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;
/** Longest caller id taken from a token. */
const MAX_SUBJECT_LENGTH = 200;

const mediaType = (typ: string): string => typ.trim().toLowerCase().replace(/^application\//, '');

/** Why this verified token is not an access token for this API, or undefined when it is one. */
export function notAnAccessToken(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>): string | undefined {
  const typ = header.typ;
  if (typ !== undefined && (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(mediaType(typ)))) return `token type (typ header) '${String(typ).slice(0, 50)}' is not an access token`;
  const typClaim = typeof payload.typ === 'string' ? payload.typ.trim().toLowerCase() : undefined;
  if (typClaim === 'id') return 'an ID token (typ claim ID) is not an access token';
  const idClaim = ID_TOKEN_CLAIMS.find((c) => payload[c] !== undefined);
  if (idClaim === undefined) return undefined;
  const accessShape = (typeof typ === 'string' && mediaType(typ) === 'at+jwt') || payload.scope !== undefined || payload.scp !== undefined || typClaim === 'bearer';
  return accessShape ? undefined : `an ID token (${idClaim} claim, no scope) is not an access token`;
}

/** The caller id from the subject claim (dot path), or undefined when the token has none. */
export function subjectOf(payload: Record<string, unknown>, claim: string): string | undefined {
  const value = claimAt(payload, claim);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.slice(0, MAX_SUBJECT_LENGTH);
}

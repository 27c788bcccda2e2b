/**
 * OAuth2/OIDC bearer tokens (JWTs) verified with jose against the identity provider's JWKS:
 * signature, issuer, audience, expiry (required) and not-before, with a configurable clock skew;
 * then that it is an access token, not an ID token, and names its subject (token-kind.ts).
 * Only asymmetric algorithms from an allowlist are accepted, so `alg: none` and HS/RS confusion
 * (an HS256 token "signed" with the RSA public key) are refused before any key is used.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../caller.js';
import { rolesFromClaims } from './claims.js';
import { notAnAccessToken, subjectOf } from './token-kind.js';

export interface JwtSettings {
  readonly issuer: string;
  /** One or more accepted audiences. */
  readonly audience: readonly string[];
  readonly jwksUrl: string;
  readonly algorithms: readonly string[];
  readonly clockSkewSeconds: number;
  /** Dot path of the roles claim. */
  readonly rolesClaim: string;
  /** Dot path of the claim naming the caller (default `sub`); tokens without it are refused. */
  readonly subjectClaim?: string;
  readonly roleMap?: ReadonlyMap<string, readonly string[]> | undefined;
  /** JWKS fetch timeout in ms (default 5000). */
  readonly jwksTimeoutMs?: number;
}

/** Why a token was refused: `invalid` → 401; `unavailable` (JWKS unreachable) → 503. */
export class TokenRejected extends Error {
  constructor(
    readonly kind: 'invalid' | 'unavailable',
    /** For the server log only; never sent to the client. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface JwtVerifier {
  verify(token: string): Promise<Caller>;
}

/** jose errors that mean "the key set could not be fetched", not "this token is bad". */
const UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

export function createJwtVerifier(settings: JwtSettings, keys?: JWTVerifyGetKey): JwtVerifier {
  // jose caches the key set (10 min), refetches at most every 30 s when a token names an unknown
  // `kid` (key rotation), and never follows redirects.
  const getKey = keys ?? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: settings.jwksTimeoutMs ?? 5000 });
  const subjectClaim = settings.subjectClaim ?? 'sub';
  const options = {
    issuer: settings.issuer,
    audience: [...settings.audience],
    algorithms: [...settings.algorithms],
    clockTolerance: settings.clockSkewSeconds,
    requiredClaims: ['exp'],
  };
  return {
    async verify(token) {
      let payload: Record<string, unknown>;
      let header: Record<string, unknown>;
      try {
        ({ payload, protectedHeader: header } = await jwtVerify(token, getKey, options));
      } catch (e) {
        throw classify(e);
      }
      const wrongKind = notAnAccessToken(header, payload);
      if (wrongKind !== undefined) throw new TokenRejected('invalid', wrongKind);
      const id = subjectOf(payload, subjectClaim);
      if (id === undefined) throw new TokenRejected('invalid', `token has no '${subjectClaim}' claim (the caller's identity)`);
      return Object.freeze({ id, kind: 'bearer', roles: Object.freeze(rolesFromClaims(payload, settings.rolesClaim, settings.roleMap)) });
    },
  };
}

function classify(e: unknown): TokenRejected {
  if (e instanceof joseErrors.JOSEError) {
    if (UNAVAILABLE.has(e.code)) return new TokenRejected('unavailable', `JWKS: ${e.message}`);
    // The jose message names the failed check ("\"exp\" claim timestamp check failed"); log only.
    return new TokenRejected('invalid', `${e.code}: ${e.message}`);
  }
  // fetch() itself failed (DNS, connection refused): the identity provider is unreachable.
  if (e instanceof TypeError && /fetch/i.test(e.message)) return new TokenRejected('unavailable', `JWKS: ${e.message}`);
  return new TokenRejected('invalid', e instanceof Error ? e.message : 'token not accepted');
}

/**
 * Turns a request's credential into a Caller. One credential per request: `Authorization: Bearer
 * <API key or JWT>`, `Authorization: Basic` with the API key as password, or `X-API-Key: <API key>`. No credential → the anonymous caller (when allowed);
 * any credential that does not verify → refused, never silently anonymous.
 */
import { ANONYMOUS, type Caller } from '../caller.js';
import { createApiKeyStore, type ApiKeyEntry } from './api-keys.js';
import { TokenRejected, type JwtVerifier } from './jwt.js';

export interface AuthenticatorOptions {
  /** Requests without a credential get the anonymous caller (default true); false → 401. */
  readonly anonymous?: boolean;
  readonly apiKeys?: readonly ApiKeyEntry[];
  /** Verifies OIDC bearer tokens; absent → JWTs are refused. */
  readonly jwt?: JwtVerifier | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface Authenticator {
  readonly anonymousAllowed: boolean;
  /** The caller, or throws AuthFailure. */
  authenticate(headers: Headers): Promise<Caller>;
  /**
   * The same without waiting, when no remote check is needed (no credential, an API key): the
   * caller, or throws AuthFailure; undefined when only `authenticate` can tell (a bearer token).
   */
  authenticateNow(headers: Headers): Caller | undefined;
}

/**
 * Why a request was refused. `missing`/`invalid` → 401 (`invalid` adds `error="invalid_token"` to
 * WWW-Authenticate); `unavailable` → 503 (the identity provider's keys could not be fetched).
 */
export class AuthFailure extends Error {
  constructor(
    readonly kind: 'missing' | 'invalid' | 'unavailable',
    /** For the server log only. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Longest credential looked at; anything longer is refused without hashing or parsing it. */
const MAX_CREDENTIAL_LENGTH = 16 * 1024;
/** A compact JWS: three base64url segments. API keys never contain a dot. */
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type Credential = { kind: 'none' } | { kind: 'api-key'; value: string } | { kind: 'jwt'; value: string };

function single(value: string | string[] | undefined, header: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new AuthFailure('invalid', `${header} sent more than once`);
    return value[0];
  }
  return value;
}

/**
 * HTTP Basic as Power BI and Excel offer it ("Basic": user name and password): the password is an
 * API key, the user name is ignored (any text, e.g. the key's name). Never a JWT.
 */
function basicCredential(encoded: string): Credential {
  if (encoded.length > MAX_CREDENTIAL_LENGTH) throw new AuthFailure('invalid', 'oversized Basic credential');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1).trim();
  if (password === '') throw new AuthFailure('invalid', 'Basic credential without a password (the API key)');
  return { kind: 'api-key', value: password };
}

export function credentialOf(headers: Readonly<Record<string, string | string[] | undefined>>): Credential {
  const authorization = single(headers.authorization, 'Authorization');
  const apiKey = single(headers['x-api-key'], 'X-API-Key');
  if (authorization !== undefined && apiKey !== undefined) throw new AuthFailure('invalid', 'both Authorization and X-API-Key sent');
  if (apiKey !== undefined) {
    const value = apiKey.trim();
    if (value === '' || value.length > MAX_CREDENTIAL_LENGTH) throw new AuthFailure('invalid', 'empty or oversized X-API-Key');
    return { kind: 'api-key', value };
  }
  if (authorization === undefined) return { kind: 'none' };
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic) return basicCredential(basic[1]!);
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new AuthFailure('invalid', 'Authorization is not a Bearer credential');
  const value = m[1]!;
  if (value.length > MAX_CREDENTIAL_LENGTH) throw new AuthFailure('invalid', 'oversized bearer credential');
  return JWS_SHAPE.test(value) ? { kind: 'jwt', value } : { kind: 'api-key', value };
}

export function createAuthenticator(opts: AuthenticatorOptions = {}): Authenticator {
  const keys = createApiKeyStore(opts.apiKeys ?? []);
  const anonymousAllowed = opts.anonymous ?? true;
  // One Caller object per key: later per-caller work (the access view) is looked up by identity.
  const keyCallers = new WeakMap<ApiKeyEntry, Caller>();
  const known = (credential: Credential): Caller | undefined => {
    switch (credential.kind) {
      case 'none':
        if (!anonymousAllowed) throw new AuthFailure('missing', 'no credential and anonymous access is off');
        return ANONYMOUS;
      case 'api-key': {
        const entry = keys.find(credential.value);
        if (!entry) throw new AuthFailure('invalid', 'unknown or expired API key');
        let caller = keyCallers.get(entry);
        if (!caller) keyCallers.set(entry, (caller = Object.freeze({ id: entry.name, kind: 'api-key', roles: entry.roles }) satisfies Caller));
        return caller;
      }
      case 'jwt':
        return undefined;
    }
  };
  return {
    anonymousAllowed,
    authenticateNow: (headers) => known(credentialOf(headers)),
    async authenticate(headers) {
      const credential = credentialOf(headers);
      const caller = known(credential);
      if (caller || credential.kind !== 'jwt') return caller!;
      if (!opts.jwt) throw new AuthFailure('invalid', 'bearer token sent but OIDC is not configured');
      try {
        return await opts.jwt.verify(credential.value);
      } catch (e) {
        if (e instanceof TokenRejected) throw new AuthFailure(e.kind, e.reason);
        throw e;
      }
    },
  };
}

/**
 * The authenticator for `maatstaf serve`, from the validated configuration: API keys from the key
 * file and/or MAATSTAF_API_KEYS (plus the demo keys when demoKeysDecision allows them), OIDC when an
 * issuer is set, anonymous access on or off. Problems are INVALID_CONFIG naming the setting (exit code 2).
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config.js';
import { MaatstafError } from '../../core/errors.js';
import { parseApiKeys, type ApiKeyEntry } from './api-keys.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';
import { parseRoleMap } from './claims.js';
import { demoApiKeys, demoKeysDecision } from './demo-keys.js';
import { createJwtVerifier, type JwtSettings } from './jwt.js';

type AuthConfig = Pick<
  Config,
  | 'demo'
  | 'databaseUrl'
  | 'apiKeysFile'
  | 'apiKeys'
  | 'anonymous'
  | 'oidcIssuer'
  | 'oidcAudience'
  | 'oidcJwksUrl'
  | 'oidcAlgorithms'
  | 'oidcClockSkewS'
  | 'oidcRolesClaim'
  | 'oidcSubjectClaim'
  | 'oidcRoleMap'
>;

export interface AuthSetup {
  readonly authenticator: Authenticator;
  /** For the startup log line: what is configured (never a secret). */
  readonly summary: { anonymous: boolean; apiKeyCount: number; demoKeys: boolean; oidc: string | undefined };
  /** Set when the demo was asked for but its keys are withheld: why (a warning at start). */
  readonly demoRefused?: string;
}

/** The OIDC settings, or undefined when no issuer is configured; all three of issuer, audience and JWKS URL are needed. */
export function jwtSettingsFrom(config: AuthConfig): JwtSettings | undefined {
  const given = [config.oidcIssuer, config.oidcAudience, config.oidcJwksUrl].filter((v) => v !== undefined).length;
  if (given === 0) {
    if (config.oidcRoleMap !== undefined) throw invalid('MAATSTAF_OIDC_ROLE_MAP is set but OIDC is not (set MAATSTAF_OIDC_ISSUER, _AUDIENCE, _JWKS_URL)', 'oidcRoleMap');
    return undefined;
  }
  if (given < 3) {
    const missing = [
      config.oidcIssuer === undefined ? 'MAATSTAF_OIDC_ISSUER' : undefined,
      config.oidcAudience === undefined ? 'MAATSTAF_OIDC_AUDIENCE' : undefined,
      config.oidcJwksUrl === undefined ? 'MAATSTAF_OIDC_JWKS_URL' : undefined,
    ].filter((m) => m !== undefined);
    throw invalid(`OIDC needs issuer, audience and JWKS URL together; missing ${missing.join(', ')}`, 'oidcIssuer');
  }
  const audience = config.oidcAudience!.split(',').map((a) => a.trim()).filter((a) => a !== '');
  return {
    issuer: config.oidcIssuer!,
    audience,
    jwksUrl: config.oidcJwksUrl!,
    algorithms: config.oidcAlgorithms,
    clockSkewSeconds: config.oidcClockSkewS,
    rolesClaim: config.oidcRolesClaim,
    subjectClaim: config.oidcSubjectClaim,
    roleMap: config.oidcRoleMap === undefined ? undefined : parseRoleMap(config.oidcRoleMap),
  };
}

/** Reads the configured keys; `demo` adds the documented demo keys (decided by demoKeysDecision). */
export function apiKeysFrom(config: AuthConfig, demo: boolean, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ApiKeyEntry[] {
  const keys: ApiKeyEntry[] = [];
  if (config.apiKeysFile !== undefined) {
    let text: string;
    try {
      text = readFile(config.apiKeysFile);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw invalid(`cannot read API key file ${config.apiKeysFile} (--api-keys / MAATSTAF_API_KEYS_FILE)${code ? `: ${code}` : ''}`, 'apiKeysFile');
    }
    keys.push(...parseApiKeys(text, config.apiKeysFile));
  }
  if (config.apiKeys !== undefined) keys.push(...parseApiKeys(config.apiKeys, 'MAATSTAF_API_KEYS'));
  if (demo) keys.push(...demoApiKeys());
  const names = new Set<string>();
  for (const k of keys) {
    if (names.has(k.name)) throw invalid(`API key name '${k.name}' is configured twice`, 'apiKeys');
    names.add(k.name);
  }
  return keys;
}

/** `nodeEnv` is NODE_ENV (the demo keys are never active under `production`). */
export function authFromConfig(config: AuthConfig, nodeEnv: string | undefined): AuthSetup {
  const demo = demoKeysDecision(config, nodeEnv);
  const apiKeys = apiKeysFrom(config, demo.active);
  const jwt = jwtSettingsFrom(config);
  return {
    authenticator: createAuthenticator({ anonymous: config.anonymous, apiKeys, jwt: jwt ? createJwtVerifier(jwt) : undefined }),
    summary: { anonymous: config.anonymous, apiKeyCount: apiKeys.length, demoKeys: demo.active, oidc: jwt?.issuer },
    ...(!demo.active && demo.refused !== undefined ? { demoRefused: demo.refused } : {}),
  };
}

function invalid(message: string, name: string): MaatstafError {
  return new MaatstafError('INVALID_CONFIG', message, { name });
}

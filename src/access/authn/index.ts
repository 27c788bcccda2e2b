/** Authentication: API keys and OIDC bearer tokens → `request.caller`. */
export { API_KEY_PREFIX, createApiKeyStore, generateApiKey, hashApiKey, keyFileEntry, parseApiKeys, type ApiKeyEntry } from './api-keys.js';
export { AuthFailure, createAuthenticator, type Authenticator, type AuthenticatorOptions } from './authenticator.js';
export { parseRoleMap, rolesFromClaims } from './claims.js';
export { DEMO_KEYS, demoApiKeys, demoKeysDecision, type DemoKeysDecision } from './demo-keys.js';
export { authFromConfig, type AuthSetup } from './from-config.js';
export { createJwtVerifier, TokenRejected, type JwtSettings, type JwtVerifier } from './jwt.js';

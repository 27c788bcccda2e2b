/**
 * Who is asking. Set on every request by the authentication hook (src/access); interfaces pass it
 * to the access layer, the audit log reads it. Anonymous until a credential proves otherwise.
 */
export interface Caller {
  /** Stable id for logs and the audit trail: the API key's name, the token's `sub`, `anonymous`, or `cli:<os user>`. */
  readonly id: string;
  /** `cli`: the operator's `maatstaf query` (src/cli), which reads with the warehouse's own credentials. */
  readonly kind: 'anonymous' | 'api-key' | 'bearer' | 'cli';
  /** Roles from the key's configuration or the token's role claim. */
  readonly roles: readonly string[];
}

export const ANONYMOUS: Caller = Object.freeze({ id: 'anonymous', kind: 'anonymous', roles: Object.freeze([]) as readonly string[] });

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (ANONYMOUS when no credential was sent). */
    caller: Caller;
  }
}

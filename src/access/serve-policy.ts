/**
 * The access policy of `maatstaf serve`: `--access-policy` / MAATSTAF_ACCESS_POLICY, else
 * `<metrics>/access.yml` when it exists. Without either, development serves everything to
 * everyone (as before access control), while production (NODE_ENV=production) serves anonymous
 * and authenticated callers the public metrics only (DEFAULT_PRODUCTION_POLICY). The policy is
 * re-read and re-validated after every definitions reload; an invalid edit keeps the last valid one.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isMaatstafError } from '../core/errors.js';
import type { Engine } from '../engine/types.js';
import { loadAccessPolicy } from './load-policy.js';
import { ACCESS_POLICY_FILE, DEFAULT_PRODUCTION_POLICY, type AccessPolicy } from './policy-schema.js';

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The parts of the server state (src/http/state.ts) the policy setup reads and writes. */
export interface PolicyHolder {
  access?: AccessPolicy | undefined;
  readonly engine: Engine | undefined;
}

/** Re-reads the policy file against a newly loaded engine (the composition root calls it after a reload). */
export type PolicyReloader = (engine: Engine) => Promise<void>;

export interface PolicySettings {
  /** Explicit policy file; must exist. */
  readonly accessPolicy?: string | undefined;
  readonly metricsDir: string;
  readonly production: boolean;
}

/** The policy file to use, or undefined when there is none. */
export async function policyPath(settings: PolicySettings): Promise<string | undefined> {
  if (settings.accessPolicy) return settings.accessPolicy;
  const candidate = join(settings.metricsDir, ACCESS_POLICY_FILE);
  return (await access(candidate).then(() => true, () => false)) ? candidate : undefined;
}

/**
 * Sets `state.access` before the app is built (the GraphQL schema depends on it) and returns how to
 * re-read it after a reload (undefined without a policy file). Throws INVALID_CONFIG (every error
 * with file:line) when the policy does not load.
 */
export async function setupAccessPolicy(state: PolicyHolder, settings: PolicySettings, log: Log): Promise<PolicyReloader | undefined> {
  const file = await policyPath(settings);
  if (!file) {
    if (settings.production) {
      state.access = DEFAULT_PRODUCTION_POLICY;
      log.warn('no access policy (metrics/access.yml or MAATSTAF_ACCESS_POLICY): production serves public metrics only');
    } else {
      log.warn('no access policy: every caller may use every metric (development; production serves public metrics only)');
    }
    return undefined;
  }
  const loaded = await loadAccessPolicy(file, state.engine?.graph);
  for (const w of loaded.warnings) log.warn(`access policy: ${w}`);
  state.access = loaded.policy;
  log.info({ file, roles: Object.keys(loaded.policy.spec.roles) }, 'access policy loaded');
  return async (engine) => {
    try {
      const next = await loadAccessPolicy(file, engine.graph);
      for (const w of next.warnings) log.warn(`access policy: ${w}`);
      state.access = next.policy;
      log.info({ file }, 'access policy reloaded');
    } catch (e) {
      if (!isMaatstafError(e)) throw e;
      log.error({ file }, `access policy not reloaded (the last valid one stays in force):\n${e.message}`);
    }
  };
}

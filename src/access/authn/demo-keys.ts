/**
 * API keys for the embedded demo, one per demo role, so people can try access control from Swagger
 * UI or curl. They are public (listed in the README), so they are active only when the demo is asked
 * for explicitly (`maatstaf serve --demo`, MAATSTAF_DEMO=1; `npm start` asks) on the embedded demo
 * warehouse, and never in a setup that looks like a real deployment (see demoKeysDecision).
 */
import type { Config } from '../../config/config.js';
import { hashApiKey, type ApiKeyEntry } from './api-keys.js';

export interface DemoKey {
  readonly key: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly description: string;
}

/** Role names match the demo policy (metrics/access.yml). */
export const DEMO_KEYS: readonly DemoKey[] = [
  { key: 'demo-medewerker', name: 'demo-medewerker', roles: ['medewerker'], description: 'municipal employee: open and internal KPIs' },
  { key: 'demo-council', name: 'demo-council', roles: ['council'], description: 'council: all KPIs, personal data only as district totals' },
  { key: 'demo-serviceplein', name: 'demo-serviceplein', roles: ['serviceplein'], description: 'income team: own KPIs in full' },
  { key: 'demo-leerplicht', name: 'demo-leerplicht', roles: ['leerplicht'], description: 'school attendance: own KPIs in full' },
  { key: 'demo-wijkteam-molenwijk', name: 'demo-wijkteam-molenwijk', roles: ['wijkteam_molenwijk'], description: 'district team: social domain, Molenwijk only' },
  { key: 'demo-analyst', name: 'demo-analyst', roles: ['analyst'], description: 'data team: everything' },
  { key: 'demo-auditor', name: 'demo-auditor', roles: ['auditor'], description: 'reads the audit log' },
];

export function demoApiKeys(): ApiKeyEntry[] {
  return DEMO_KEYS.map((k) => ({ name: k.name, hash: hashApiKey(k.key), roles: k.roles }));
}

type DemoConfig = Pick<Config, 'demo' | 'databaseUrl' | 'apiKeysFile' | 'apiKeys' | 'anonymous' | 'oidcIssuer'>;

/**
 * Whether the demo keys are active: only when asked for, and not when anything says this is a real
 * deployment. `refused` (demo asked for, keys withheld) says why, for a warning at start.
 */
export type DemoKeysDecision = { readonly active: true } | { readonly active: false; readonly refused?: string };

export function demoKeysDecision(config: DemoConfig, nodeEnv: string | undefined): DemoKeysDecision {
  if (!config.demo) return { active: false };
  const refused = (reason: string): DemoKeysDecision => ({ active: false, refused: `demo API keys are NOT active: ${reason}` });
  if (nodeEnv === 'production') return refused('NODE_ENV=production (the demo keys are public; unset MAATSTAF_DEMO / --demo)');
  if (config.databaseUrl !== undefined) return refused('DATABASE_URL is set (demo keys only work on the embedded demo warehouse)');
  if (config.apiKeysFile !== undefined || config.apiKeys !== undefined) return refused('the operator configured API keys (--api-keys / MAATSTAF_API_KEYS)');
  if (config.oidcIssuer !== undefined) return refused('OIDC token authentication is configured');
  if (!config.anonymous) return refused('anonymous access is off (MAATSTAF_ANONYMOUS=off), which asks for a locked-down server');
  return { active: true };
}

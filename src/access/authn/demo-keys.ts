/**
 * API keys for the embedded demo (`npm start` without DATABASE_URL), one per demo role, so people can
 * try access control from Swagger UI or curl. They are public (listed in the README) and only ever
 * active on the synthetic demo warehouse, never when DATABASE_URL is set.
 */
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

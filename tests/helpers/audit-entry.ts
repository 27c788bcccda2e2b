/** An audit entry as the audited engine records it for a personal-data query, with overrides. */
import type { AuditEntryInput } from '../../src/audit/types.js';

export const auditEntry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  requestId: 'req-1',
  callerId: 'wijkteam-noord',
  callerKind: 'api-key',
  roles: ['wijkteam'],
  interface: 'rest',
  metrics: ['benefit_cases_started'],
  sensitivity: 'personal',
  query: { metrics: ['benefit_cases_started'], groupBy: [], where: [], rowFilters: ["{{ Dimension('benefit_case__district') }} = 'Noord'"] },
  rowCount: 12,
  cellsSuppressed: 2,
  outcome: 'ok',
  errorCode: undefined,
  durationMs: 5,
  ...over,
});

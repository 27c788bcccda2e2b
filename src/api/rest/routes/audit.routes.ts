/**
 * `GET /v1/audit`: the audit trail of queries of internal and personal metrics, for callers with
 * the `auditor` role (403 otherwise). Read-only by design: there is no route that changes or removes
 * an entry, and the table refuses UPDATE/DELETE/TRUNCATE itself (only `maatstaf audit prune` removes old entries).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_INTERFACES, AUDIT_OUTCOMES } from '../../../audit/types.js';
import { MaatstafError } from '../../../core/errors.js';
import { asResponse } from '../reply.js';
import { ProblemSchema } from '../schemas/problem.schema.js';
import type { RestOptions } from './rest-options.js';

export const AUDITOR_ROLE = 'auditor';

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('ISO 8601 date-time with offset or Z (or a date: midnight in the server time zone).');

const AuditQuery = z
  .object({
    caller: z.string().min(1).max(200).optional().describe('Only entries of this caller id (API key name or token subject).').meta({ examples: ['demo-serviceplein'] }),
    metric: z.string().min(1).max(200).optional().describe('Only entries of queries naming this metric.').meta({ examples: ['benefit_cases_started'] }),
    from: instant.optional().describe('Entries at or after this time.').meta({ examples: ['2026-01-01'] }),
    to: instant.optional().describe('Entries before this time.').meta({ examples: ['2027-01-01T00:00:00+01:00'] }),
    outcome: z.enum(AUDIT_OUTCOMES).optional().describe('ok, denied or error.').meta({ examples: ['ok'] }),
    interface: z.enum(AUDIT_INTERFACES).optional().describe('rest, graphql, csv, odata or cli.').meta({ examples: ['rest'] }),
    cursor: z.coerce.number().int().min(1).optional().describe('`nextCursor` of the previous page.').meta({ examples: [1000] }),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Entries per page (newest first).').meta({ examples: [50] }),
  })
  .strict();

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string().describe('When the query ran (ISO 8601, UTC).'),
    requestId: z.string().optional().describe("The server's request id (the answer's x-request-id header)."),
    clientRequestId: z.string().optional().describe('The x-request-id the client sent, if any (recorded beside requestId, never instead of it).'),
    callerId: z.string(),
    callerKind: z.string().describe('anonymous, api-key or bearer.'),
    roles: z.array(z.string()),
    interface: z.enum(AUDIT_INTERFACES),
    metrics: z.array(z.string()),
    sensitivity: z.enum(['internal', 'personal']),
    query: z.record(z.string(), z.unknown()).describe('The canonical query, including the row-level filters of the caller (rowFilters).'),
    rowCount: z.number().int().optional(),
    cellsSuppressed: z.number().int().optional().describe('Cells withheld by small-cell suppression.'),
    outcome: z.enum(AUDIT_OUTCOMES),
    errorCode: z.string().optional(),
    durationMs: z.number().int(),
    kind: z.enum(['query', 'pruned']).optional().describe('`pruned`: the signed summary `maatstaf audit prune` left for the entries it removed.'),
    summary: z
      .object({
        before: z.string(),
        from: z.string(),
        to: z.string(),
        entries: z.number().int(),
        firstId: z.number().int(),
        lastId: z.number().int(),
        lastHash: z.string(),
        keyId: z.string(),
        signature: z.string(),
      })
      .optional()
      .describe('What a prune removed: period, number of entries, ids, the hash of the last removed entry, and its HMAC signature.'),
    hash: z.string().optional().describe('This entry\'s link in the hash chain: sha256(prevHash ‖ sha256(canonical entry)).'),
    prevHash: z.string().optional().describe('The hash of the entry before it (64 zeros for the first entry).'),
  })
  .describe('One audited query (or a prune summary).');

const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  nextCursor: z.number().int().optional().describe('Pass as `cursor` for the next, older page; absent on the last page.'),
});

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export const auditRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { state }) => {
  app.get(
    '/v1/audit',
    {
      schema: {
        operationId: 'listAuditEntries',
        tags: ['audit'],
        summary: 'Read the audit log (auditor role)',
        description:
          'Every query of internal or personal metrics: caller, roles, time, interface, canonical query with row-level filters, rows returned, cells suppressed and outcome. Newest first, paginated with `cursor`. Entries are hash-chained and cannot be changed; only the operator\'s prune removes old ones, leaving a signed summary.',
        querystring: AuditQuery,
        response: {
          200: AuditPageSchema,
          400: problem('Invalid filter.'),
          401: problem('A credential is required or not valid.'),
          403: problem('The caller does not have the auditor role.'),
          406: problem('None of the formats in Accept can be produced (JSON only).'),
          503: problem('The audit log is unavailable.'),
        },
      },
    },
    async (request) => {
      if (!request.caller.roles.includes(AUDITOR_ROLE)) throw new MaatstafError('FORBIDDEN', `reading the audit log needs the '${AUDITOR_ROLE}' role`);
      if (!state.audit) throw new MaatstafError('AUDIT_UNAVAILABLE', 'the audit log is not enabled on this server');
      const q = request.query;
      if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) > Date.parse(q.to)) {
        throw new MaatstafError('INVALID_QUERY', "'from' is after 'to'", { name: 'from', path: 'from' });
      }
      try {
        const page = await state.audit.list({
          ...(q.caller !== undefined ? { callerId: q.caller } : {}),
          ...(q.metric !== undefined ? { metric: q.metric } : {}),
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
          ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
          ...(q.interface !== undefined ? { interface: q.interface } : {}),
          ...(q.cursor !== undefined ? { before: q.cursor } : {}),
          limit: q.limit,
        });
        return asResponse(page);
      } catch (err) {
        if (err instanceof MaatstafError) throw err;
        request.log.error({ err }, 'audit log read failed');
        throw new MaatstafError('AUDIT_UNAVAILABLE', 'the audit log cannot be read right now');
      }
    },
  );
};

/** RFC 9457 problem details as documented in the OpenAPI document, and the error responses per route. */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../../core/errors.js';

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

const IssueSchema = z.looseObject({
  code: z.enum(CODES),
  message: z.string(),
  name: z.string().optional(),
  path: z.string().optional(),
  suggestions: z.array(z.string()).optional(),
  available: z.array(z.string()).optional(),
});

export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('URI naming the problem type.'),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(CODES).describe('Stable error code: branch on this, not on the text.'),
    detail: z.string().describe('What went wrong, for people.'),
    instance: z.string().optional().describe('The request path.'),
    name: z.string().optional().describe('The offending name as the request wrote it.'),
    path: z.string().optional().describe('Where in the request: `metrics[1]`, `groupBy[0]`, `where[0]`, `limit`.'),
    suggestions: z.array(z.string()).optional().describe('Closest valid names, best first.'),
    available: z.array(z.string()).optional().describe('Names that would be valid here.'),
    issues: z.array(IssueSchema).optional().describe('Every problem, when the request had several.'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: unknown or unavailable names, malformed filter, bad time range, invalid parameters.',
  403: 'FORBIDDEN: the caller may not use a metric, group-by item or filter of the request (access policy). The answer is the same whether or not a forbidden metric exists. PRIVACY_PROTECTED: the query reads personal data in a shape whose small groups cannot be protected; the message names what is allowed.',
  404: 'Unknown metric, dimension or saved query (with suggestions).',
  406: 'None of the formats in Accept can be produced.',
  413: 'Request body too large.',
  503: 'Warehouse unavailable or definitions not loaded; retry after the Retry-After seconds.',
  504: 'The warehouse did not answer within the statement timeout.',
};

const problem = (status: number) => ({
  description: DESCRIPTIONS[status] ?? 'Error',
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Error responses of a catalogue route (no warehouse access). */
export function catalogProblems(...extra: number[]) {
  return Object.fromEntries([400, 406, 503, ...extra].map((s) => [s, problem(s)]));
}

/** Error responses of a route that runs SQL. */
export function queryProblems(...extra: number[]) {
  return Object.fromEntries([400, 403, 404, 406, 503, 504, ...extra].map((s) => [s, problem(s)]));
}

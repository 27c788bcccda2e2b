/**
 * GraphQL errors with the same codes and details as REST problems: an engine error becomes an
 * error whose `extensions` carry the REST problem's code, status, name, path, suggestions,
 * available names and issues, with the same message. GraphQL's own refusals (syntax, validation,
 * limits) carry GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or the limit's code. Anything else
 * is INTERNAL with a generic message; stack traces and SQL never reach the client.
 */
import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql/index.js';
import { isMaatstafError, type MaatstafError } from '../../core/errors.js';
import { normaliseError, toProblem } from '../../http/problem.js';
import { GraphqlRequestError } from './request-error.js';

type Extensions = Record<string, unknown>;

/** The REST problem's fields as GraphQL error extensions. */
export function problemExtensions(err: MaatstafError): Extensions {
  const p = toProblem(err);
  return {
    code: p.code,
    status: p.status,
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.path !== undefined ? { path: p.path } : {}),
    ...(p.suggestions ? { suggestions: p.suggestions } : {}),
    ...(p.available ? { available: p.available } : {}),
    ...(p.issues ? { issues: p.issues } : {}),
  };
}

/** Mercurius wraps request-level failures in one error whose `errors` hold the real ones. */
function unwrap(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.flatMap((e) => {
    const inner = (e.originalError as { errors?: unknown } | undefined)?.errors;
    if (!Array.isArray(inner)) return [e];
    return inner.map((x: unknown) => (x instanceof GraphQLError ? x : new GraphQLError(x instanceof Error ? x.message : String(x), { originalError: x instanceof Error ? x : undefined })));
  });
}

const isHttpClientError = (e: unknown) => {
  const status = (e as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

interface Classified {
  readonly error: GraphQLFormattedError;
  /** HTTP status when the request was refused before execution. */
  readonly status: number;
}

function formatted(e: GraphQLError, message: string, extensions: Extensions): GraphQLFormattedError {
  return {
    message,
    ...(e.locations?.length ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    extensions,
  };
}

function classify(e: GraphQLError, log: FastifyBaseLogger): Classified {
  const original = e.originalError;
  if (isMaatstafError(original)) {
    if (original.code === 'INTERNAL') log.error({ err: original }, 'internal error');
    else if (original.status >= 500) log.warn({ err: original, code: original.code }, original.message);
    return { error: formatted(e, original.message, problemExtensions(original)), status: original.status };
  }
  if (original instanceof GraphqlRequestError) return { error: formatted(e, original.message, { ...original.extensions }), status: 400 };
  const requestLevel = e.path === undefined && (original === undefined || original instanceof GraphQLError || isHttpClientError(original));
  if (requestLevel) {
    if (original && !(original instanceof GraphQLError)) {
      // Fastify's own refusals (bad JSON, body too large, body schema): the same problem as REST.
      const err = normaliseError(original);
      return { error: formatted(e, err.message, problemExtensions(err)), status: err.status };
    }
    const own = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
    const code = own ?? (e.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED');
    return { error: formatted(e, e.message, { ...e.extensions, code }), status: 400 };
  }
  log.error({ err: original ?? e }, 'internal error in a GraphQL resolver');
  const internal = normaliseError(new Error('internal')); // the same INTERNAL problem REST sends
  return { error: formatted(e, internal.message, problemExtensions(internal)), status: 500 };
}

interface ErrorContext {
  readonly reply?: { readonly log: FastifyBaseLogger };
  readonly app: { readonly log: FastifyBaseLogger };
}

/**
 * Mercurius `errorFormatter`. Refused requests (nothing executed) answer 400 (or the problem's
 * status, e.g. 413); errors during execution answer 200 with partial `data`, as GraphQL over HTTP does.
 */
export function formatGraphqlErrors(execution: ExecutionResult & { readonly errors: readonly GraphQLError[] }, context: unknown) {
  const ctx = context as ErrorContext;
  const log = ctx.reply?.log ?? ctx.app.log;
  const classified = unwrap(execution.errors).map((e) => classify(e, log));
  const executed = execution.data !== undefined;
  return {
    statusCode: executed ? 200 : (classified[0]?.status ?? 400),
    response: { data: execution.data ?? null, errors: classified.map((c) => c.error) },
  };
}

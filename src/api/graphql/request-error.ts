/** A GraphQL request refused before parsing (batching, length); becomes one error with this code. */
export class GraphqlRequestError extends Error {
  readonly extensions: { readonly code: string } & Readonly<Record<string, unknown>>;
  /** Mercurius answers thrown errors with this HTTP status. */
  readonly statusCode = 400;

  constructor(code: string, message: string, extra: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'GraphqlRequestError';
    this.extensions = { code, ...extra };
  }
}

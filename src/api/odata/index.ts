/**
 * The read-only OData v4 service at /odata for Power BI, Excel and other OData clients: a thin
 * adapter over the same engine as REST (see routes.ts). Errors are OData error bodies; when OIDC is
 * configured, anonymous callers get 401 with the Bearer `authorization_uri` challenge Power BI reads
 * to offer "Organizational account".
 */
import type { FastifyInstance } from 'fastify';
import { MaatstafError } from '../../core/errors.js';
import { normaliseError } from '../../http/problem.js';
import type { ServerState } from '../../http/state.js';
import { sendODataError } from './errors.js';
import { registerODataRoutes } from './routes.js';

export { isODataRequest, sendODataError } from './errors.js';

export interface ODataApiOptions {
  /** Rows per page by default (MAATSTAF_ODATA_PAGE_SIZE). */
  readonly pageSize?: number;
  /** The most rows per page, whatever `Prefer: odata.maxpagesize` asks (the query row limit). */
  readonly maxPageSize?: number;
  /** The OIDC issuer, when token authentication is configured: anonymous OData callers are challenged. */
  readonly oidcIssuer?: string | undefined;
}

export const DEFAULT_ODATA_PAGE_SIZE = 10_000;

/**
 * The authorization endpoint named in the challenge: `<issuer>/oauth2/authorize`. For Entra ID the
 * form Power BI documents, `https://login.microsoftonline.com/<tenant>/oauth2/authorize`, from either
 * of its issuers (`…/<tenant>/v2.0` or `https://sts.windows.net/<tenant>/`).
 */
export function authorizationUri(issuer: string): string {
  const base = issuer.replace(/\/+$/, '');
  const entra = /^https:\/\/(?:login\.microsoftonline\.com|sts\.windows\.net)\/([^/]+)(?:\/v2\.0)?$/.exec(base);
  return entra ? `https://login.microsoftonline.com/${entra[1]}/oauth2/authorize` : `${base}/oauth2/authorize`;
}

/** The WWW-Authenticate challenge of the OData service (Power BI: "Organizational account"). */
export function odataChallenge(issuer: string | undefined, error?: 'invalid_token'): string {
  const parts = [issuer ? `authorization_uri="${authorizationUri(issuer)}"` : 'realm="maatstaf"', ...(error ? [`error="${error}"`] : [])];
  return `Bearer ${parts.join(', ')}`;
}

export async function registerODataApi(app: FastifyInstance, state: ServerState, opts: ODataApiOptions = {}): Promise<void> {
  await app.register(async (odata) => {
    odata.setErrorHandler((error, request, reply) => {
      const err = normaliseError(error);
      if (err.code === 'INTERNAL') request.log.error({ err: error }, 'internal error');
      else if (err.status >= 500) request.log.warn({ err: error, code: err.code }, err.message);
      if (err.code === 'UNAUTHENTICATED') reply.header('www-authenticate', odataChallenge(opts.oidcIssuer));
      return sendODataError(reply, request, err);
    });
    if (opts.oidcIssuer !== undefined) {
      // Anonymous OData readers are asked to sign in, so Power BI offers its Organizational account.
      // preHandler: after the rate limiter and the answer to a refused credential (onRequest).
      odata.addHook('preHandler', (request, _reply, done) => {
        if (request.caller.kind === 'anonymous') done(new MaatstafError('UNAUTHENTICATED', 'authentication required: sign in with your organisational account, or send an API key'));
        else done();
      });
    }
    registerODataRoutes(odata, state, { pageSize: opts.pageSize ?? DEFAULT_ODATA_PAGE_SIZE, maxPageSize: opts.maxPageSize ?? 100_000 });
  });
}

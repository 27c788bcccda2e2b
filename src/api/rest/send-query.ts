/**
 * Running a query for a result route and sending it: JSON (and CSV the engine cannot stream) is
 * run whole and sent by sendRows; CSV is streamed when the engine can (Engine.stream: no protected
 * metrics, not already in the result cache, not personal data), written batch by batch as the
 * warehouse cursor produces rows, so memory stays bounded whatever the row count.
 *
 * The first batch is read before the status line is sent: errors of the query itself (access,
 * limits, warehouse) still answer a problem+json. A failure after that cannot change the status:
 * the response is aborted (the client sees an incomplete download, never a short "complete" file)
 * and the error is logged. A client that goes away stops the stream, which closes the cursor.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isMaatstafError } from '../../core/errors.js';
import type { MetricQueryInput } from '../../core/query.js';
import type { Engine, QueryStream } from '../../engine/types.js';
import { clientGoneSignal } from '../../http/client-signal.js';
import { requestIdsOf } from '../../http/request-id.js';
import { csvHead, csvRows, type CsvOptions } from './formats/csv.js';
import { withAskedOrder } from './column-order.js';
import { formatOf, sendRows, setQueryDeprecationHeaders, type SendRowsOptions } from './reply.js';

/** Runs (or streams) `query` on `engine` and sends the answer in the negotiated format. */
export async function sendQuery(
  reply: FastifyReply,
  request: FastifyRequest,
  engine: Engine,
  query: MetricQueryInput,
  opts: SendRowsOptions = {},
): Promise<FastifyReply> {
  const metrics = (query as { metrics?: readonly string[] }).metrics;
  // A fresh cached answer is sent at once: no abort signal, no promise chain through the engine.
  // (A stream would not be offered for it either: cached answers are always sent whole.)
  const cached = engine.peek(query);
  if (cached) {
    setQueryDeprecationHeaders(reply, engine, metrics);
    return sendRows(reply, request, withAskedOrder(cached, query), opts);
  }
  const signal = clientGoneSignal(request, reply);
  const ids = requestIdsOf(request);
  if (formatOf(request) === 'csv') {
    const stream = await engine.stream(query, { signal, ...ids });
    if (stream) {
      const body = await csvBody(request, withAskedOrder(stream, query), signal, { bom: opts.bom ?? false, labels: opts.labels === true, formulaEscape: opts.formulaEscape !== false });
      try {
        setQueryDeprecationHeaders(reply, engine, metrics);
        const name = (opts.filename ?? 'query').replace(/[^A-Za-z0-9_.-]/g, '_');
        return reply
          .type('text/csv; charset=utf-8; header=present')
          .header('content-disposition', `inline; filename="${name}.csv"`)
          .send(body);
      } catch (e) {
        body.destroy();
        throw e;
      }
    }
  }
  const result = await engine.run(query, { signal, ...ids });
  setQueryDeprecationHeaders(reply, engine, metrics);
  return sendRows(reply, request, withAskedOrder(result, query), opts);
}

/** The CSV as a byte stream; resolves once the first batch is in (so its errors are still a problem+json). */
async function csvBody(request: FastifyRequest, stream: QueryStream, signal: AbortSignal, csv: CsvOptions): Promise<Readable> {
  const { columns } = stream;
  const batches = stream.batches[Symbol.asyncIterator]();
  const first = await batches.next();
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    try {
      // Same bytes as the buffered toCsv: head, then each batch's lines.
      yield csvHead(columns, csv) + (first.done ? '' : csvRows(columns, first.value, csv));
      if (first.done) return;
      for (;;) {
        if (signal.aborted) return;
        const next = await batches.next();
        if (next.done) return;
        yield csvRows(columns, next.value, csv);
      }
    } catch (e) {
      const code = isMaatstafError(e) ? e.code : 'INTERNAL';
      if (code === 'QUERY_CANCELLED') request.log.info({ code }, 'CSV export stopped: the client went away');
      else request.log.error({ err: e, code }, 'CSV export failed mid-stream; response aborted');
      throw e;
    } finally {
      // Closes the warehouse cursor when we stop early (client gone, error); a no-op after the end.
      await batches.return?.();
    }
  }
  // Backpressure: the next batch is fetched only when the socket has taken the previous one.
  const body = Readable.from(chunks(), { objectMode: false });
  // Destroyed before its first read (client gone at once), chunks() never ran its finally: close here too.
  body.once('close', () => void batches.return?.()?.catch(() => {}));
  return body;
}

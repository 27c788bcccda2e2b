/**
 * Compression of answers and static files (@fastify/compress) when the client sends
 * `Accept-Encoding`: brotli (at quality 4: 11 costs far more CPU for a few per cent), gzip or
 * deflate, for bodies of at least `minBytes` of a compressible type (JSON, problem+json, CSV, HTML,
 * JavaScript, CSS). Streams stay streams: a CSV export is compressed as it is written, its memory
 * still bounded. Request bodies are not decompressed (a small compressed body could expand past the
 * body limit). Register before the routes: the plugin attaches itself to routes as they are added.
 */
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

export async function registerCompression(app: FastifyInstance, minBytes: number): Promise<void> {
  if (minBytes <= 0) return;
  await app.register(compress, {
    global: true,
    threshold: minBytes,
    encodings: ['br', 'gzip', 'deflate'],
    globalDecompression: false,
  });
}

/**
 * Repeated requests are parsed and validated once. Dashboards send byte-identical bodies and URLs
 * over and over; the JSON body parser and the URL parser (src/server/querystring.ts) hand out one
 * deeply frozen object per distinct text, and the validator (which also splits URL list
 * parameters, list-params.ts) remembers its answer per such object.
 * Every layer below then recognises the query by identity (src/core/frozen-input.ts).
 *
 * Bounded: texts up to MAX_TEXT characters, at most MAX_ENTRIES of them (LRU). Failures (invalid
 * JSON, validation errors) are never remembered: they are answered afresh every time.
 */
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { LRUCache } from 'lru-cache';
import { freezeInput, isFrozenInput } from '../../core/frozen-input.js';
import { listParamsOf, splitListParams } from './list-params.js';

const MAX_TEXT = 4096;
const MAX_ENTRIES = 500;

/** One frozen value per distinct text (short texts only). */
export interface TextMemo<T> {
  get(text: string): T | undefined;
  /** Freezes `value` (freezeInput) and remembers it for `text` when the text is short enough; returns it. */
  remember(text: string, value: T): T;
}

export function createTextMemo<T extends NonNullable<unknown>>(): TextMemo<T> {
  const lru = new LRUCache<string, T>({ max: MAX_ENTRIES });
  return {
    get: (text) => (text.length <= MAX_TEXT ? lru.get(text) : undefined),
    remember(text, value) {
      freezeInput(value);
      if (text.length <= MAX_TEXT) lru.set(text, value);
      return value;
    },
  };
}

/**
 * Replaces the JSON body parser of `app` (an encapsulated context: GraphQL keeps Fastify's own)
 * by Fastify's default parser behind a text memo. Same errors, same prototype-poisoning checks.
 */
export function useMemoisedJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  const bodies = createTextMemo<object>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const known = bodies.get(text);
    if (known) return done(null, known);
    parse(request, text, (err, value) => {
      if (err || value === null || typeof value !== 'object') return done(err, value);
      done(null, bodies.remember(text, value as object));
    });
  });
}

type Validator = (data: unknown) => unknown;

/**
 * `compile` whose validators answer a frozen input from memory (the zod output is frozen and
 * shared by every request that sent that text). An empty querystring (`{}`, new on every request)
 * is validated once per route too.
 */
export function memoisedValidatorCompiler<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validateParts = compile(route) as Validator;
    // URL list parameters are split as part of validation (list-params.ts), so remembered with it.
    const lists = route.httpPart === 'querystring' ? listParamsOf(route.schema) : undefined;
    const validate: Validator = lists ? (data) => validateParts(splitListParams(data, lists)) : validateParts;
    const answers = new WeakMap<object, unknown>();
    let emptyAnswer: unknown;
    const remember = (answer: unknown): boolean => {
      if (answer === null || typeof answer !== 'object' || !('value' in answer) || ('error' in answer && answer.error)) return false;
      freezeInput((answer as { value: unknown }).value);
      return true;
    };
    return ((data: unknown) => {
      if (isFrozenInput(data)) {
        if (answers.has(data)) return answers.get(data);
        const answer = validate(data);
        if (remember(answer)) answers.set(data, answer);
        return answer;
      }
      if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0) {
        if (emptyAnswer !== undefined) return emptyAnswer;
        const answer = validate(data);
        if (remember(answer)) emptyAnswer = answer;
        return answer;
      }
      return validate(data);
    }) as ReturnType<FastifySchemaCompiler<S>>;
  };
}

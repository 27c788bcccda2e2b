/**
 * Building blocks shared by the definition-file schemas. The schemas only check shape (types, keys,
 * enum values, name syntax); cross-references are checked by the validation rules, and values are
 * lower-cased/normalised later, which keeps the schemas free of transforms so `z.toJSONSchema` can
 * render them for editors.
 */
import { z } from 'zod';
import { TIME_GRAINS } from '../../core/time.js';
import { didYouMean } from '../did-you-mean.js';

/** MetricFlow's name rule: lower case, starts with a letter, ends with a letter/digit, no `__`. */
export const NAME_PATTERN = /^(?!.*__)[a-z][a-z0-9_]*[a-z0-9]$/;

export function nameRuleMessage(input: unknown): string {
  return (
    `invalid name '${String(input)}': use lower-case letters, digits and single underscores, ` +
    `start with a letter and end with a letter or digit`
  );
}

/** The name of something being defined (model, element, metric, saved query, alias, custom grain). */
export const nameSchema = z.string().regex(NAME_PATTERN, { error: (iss) => nameRuleMessage(iss.input) });

/** A reference to a name defined elsewhere; resolved (case-insensitively) by the validation rules. */
export const refSchema = z.string().min(1);

/**
 * A strict object: unknown keys are errors. The error message carries one line per unknown key,
 * each with a did-you-mean suggestion from this object's own keys (split again in zod-issues.ts so
 * every key gets its own issue and line).
 */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? iss.keys.map((k) => `unknown key '${k}'${didYouMean(k, known)}`).join('\n')
        : undefined,
  });
}

/**
 * An enum accepted in any letter case (MetricFlow accepts `SUM` and `sum`). The JSON Schema lists the
 * lower- and upper-case spellings; normalisation lower-cases the value.
 */
export function ciEnum<const T extends readonly string[]>(values: T, what: string) {
  return z
    .string()
    .refine((v) => values.includes(v.toLowerCase()), {
      error: (iss) =>
        `invalid ${what} '${String(iss.input)}' (expected one of: ${values.join(', ')})` +
        didYouMean(String(iss.input).toLowerCase(), values),
    })
    .meta({ enum: [...values, ...values.map((v) => v.toUpperCase())] });
}

/** Lower-cases a value that passed `ciEnum(values)`. */
export function enumValue<T extends string>(value: string): T {
  return value.toLowerCase() as T;
}

export const grainSchema = ciEnum(TIME_GRAINS, 'time granularity');

export const metaSchema = z.record(z.string(), z.unknown()).describe('Free-form metadata (governance fields, units, …).');

/** `config:` on entities, dimensions and measures. */
export const elementConfigSchema = strict({ meta: metaSchema.optional() });

/** `config:` on semantic models and metrics (dbt resource config). `enabled: false` drops the resource. */
export const resourceConfigSchema = strict({
  meta: metaSchema.optional(),
  enabled: z.boolean().optional(),
  group: z.string().optional(),
});

export const filterSchema = z
  .union([z.string(), z.array(z.string())])
  .describe("Filter(s) with Jinja calls, e.g. {{ Dimension('order__channel') }} = 'web'. A list is ANDed.");

/** A SQL expression; YAML may give `1` or `true` unquoted. */
export const exprSchema = z.union([z.string(), z.number(), z.boolean()]);

/** Fields every described construct may carry. */
export const describedFields = {
  label: z.string().optional(),
  description: z.string().optional(),
  meta: metaSchema.optional(),
};

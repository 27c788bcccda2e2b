/** Schema of `maatstaf.yaml`, the optional project settings file beside the definitions. */
import { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { grainSchema, strict } from './common.schema.js';
import { CustomGranularitySchema } from './time-spine.schema.js';

export const SETTINGS_FILE = 'maatstaf.yaml';
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a valid time zone (`europe/amsterdam` → `Europe/Amsterdam`). */
export function canonicalTimeZone(tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

export const timeZoneSchema = z.string().refine(isValidTimeZone, {
  error: (iss) =>
    `unknown time zone '${String(iss.input)}' (expected an IANA name such as Europe/Amsterdam)` +
    didYouMean(String(iss.input), Intl.supportedValuesOf('timeZone')),
});

export const SettingsSchema = strict({
  schema: z.string().min(1).optional().describe("Warehouse schema of the dbt models named in ref('…')."),
  time_zone: timeZoneSchema.optional().describe(`IANA time zone for timestamptz truncation; default ${DEFAULT_TIME_ZONE}.`),
  time_spine: strict({
    table: z.string().min(1).describe('Table or view name of the time spine.'),
    schema: z.string().min(1).optional().describe('Defaults to the project schema.'),
    database: z.string().min(1).optional(),
    column: z.string().min(1).optional().describe('Primary date column; default date_day.'),
    granularity: grainSchema.optional().describe('Grain of the primary column; default day.'),
    custom_granularities: z.array(CustomGranularitySchema).optional(),
  })
    .optional()
    .describe('A time spine table, for projects without a dbt time spine model.'),
}).meta({ title: 'maatstaf project settings (maatstaf.yaml)' });

export type SettingsSpec = z.output<typeof SettingsSchema>;

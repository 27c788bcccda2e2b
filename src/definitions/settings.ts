/** Project settings: maatstaf.yaml, then the caller's override, then defaults. */
import type { ProjectSettings } from './model.js';
import { canonicalTimeZone, DEFAULT_TIME_ZONE, isValidTimeZone, type SettingsSpec } from './schema/settings.schema.js';
import type { IssueLog } from './source/issue-log.js';

/** Where issues about `settingsOverride` are reported (it has no file). */
export const SETTINGS_OVERRIDE_SOURCE = '<settings override>';

export function resolveSettings(spec: SettingsSpec, override: Partial<ProjectSettings> | undefined, log: IssueLog): ProjectSettings {
  const schema = override?.schema ?? spec.schema;
  let timeZone = spec.time_zone === undefined ? DEFAULT_TIME_ZONE : canonicalTimeZone(spec.time_zone);
  if (override?.timeZone !== undefined) {
    if (isValidTimeZone(override.timeZone)) timeZone = canonicalTimeZone(override.timeZone);
    else log.error(SETTINGS_OVERRIDE_SOURCE, 'timeZone', `unknown time zone '${override.timeZone}' (expected an IANA name such as Europe/Amsterdam)`, 1);
  }
  return { ...(schema !== undefined && { schema }), timeZone };
}

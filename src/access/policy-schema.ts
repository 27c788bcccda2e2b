/**
 * Shape of the access policy file (`metrics/access.yml`): roles, the metrics each may use, the
 * group-by items it may use them with, and row-level filters. Only the shape is checked here;
 * references to metrics, roles and dimensions are checked against the definitions in
 * validate-policy.ts, where every problem gets its file and line.
 */
import { z } from 'zod';
import { MAX_FILTER_LENGTH } from '../core/query.js';
import { SENSITIVITIES } from '../engine/governance.js';
import { strict } from '../definitions/schema/common.schema.js';

/** The policy file the loader skips and `serve` reads when it exists in the definitions folder. */
export const ACCESS_POLICY_FILE = 'access.yml';
/** Every caller holds this role (the anonymous caller only this one), unless the policy names another. */
export const DEFAULT_ANONYMOUS_ROLE = 'public';

/** Role names as identity providers send them (`council`, `Maatstaf.Council`, `wijkteam-noord`). */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const roleName = z.string().regex(ROLE_NAME, { error: (iss) => `invalid role name '${String(iss.input)}': use letters, digits, _ . : -` });

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

/** `*` matches any run of characters; everything else literally (names are lower-case). */
const glob = z.string().min(1).max(200);

/** A metric selector: a name (globs allowed, `*` = every metric) or a map whose keys must all match. */
export const MetricSelectorSchema = z.union([
  glob,
  strict({
    name: oneOrMany(glob).optional(),
    owner: oneOrMany(z.string().min(1)).optional(),
    tag: oneOrMany(z.string().min(1)).optional(),
    sensitivity: oneOrMany(z.enum(SENSITIVITIES)).optional(),
  }),
]);

export const GroupByRuleSchema = strict({
  metrics: oneOrMany(MetricSelectorSchema).optional().describe('Metrics the rule applies to; default every metric of the role.'),
  allow: z.array(glob).min(1).optional().describe('Only these group-by items (dunder names without grain, globs) may be used.'),
  deny: z.array(glob).min(1).optional().describe('These group-by items may not be used.'),
});

export const RoleSchema = strict({
  description: z.string().optional(),
  includes: z.array(roleName).optional().describe('Roles whose grants this role also holds.'),
  metrics: strict({
    allow: z.array(MetricSelectorSchema).default([]),
    deny: z.array(MetricSelectorSchema).optional(),
  }).optional(),
  group_by: z.array(GroupByRuleSchema).optional(),
  row_filters: z.array(z.string().min(1).max(MAX_FILTER_LENGTH)).optional().describe('Where filters ANDed to every query of this role.'),
});

export const AccessPolicySchema = strict({
  version: z.literal(1).optional(),
  anonymous_role: roleName.optional().describe(`Role of every caller (anonymous callers hold only this one); default ${DEFAULT_ANONYMOUS_ROLE}.`),
  roles: z.record(roleName, RoleSchema),
});

export type MetricSelector = z.output<typeof MetricSelectorSchema>;
export type GroupByRuleSpec = z.output<typeof GroupByRuleSchema>;
export type RoleSpec = z.output<typeof RoleSchema>;
export type AccessPolicySpec = z.output<typeof AccessPolicySchema>;

/** A loaded policy: the spec plus where it came from (for messages). */
export interface AccessPolicy {
  readonly spec: AccessPolicySpec;
  /** File the policy was read from, or `(default)` for the built-in production policy. */
  readonly source: string;
}

/** Without a policy file, a production server serves anonymous callers the public metrics only. */
export const DEFAULT_PRODUCTION_POLICY: AccessPolicy = Object.freeze({
  source: '(default: public metrics only)',
  spec: { roles: { [DEFAULT_ANONYMOUS_ROLE]: { description: 'Anyone.', metrics: { allow: [{ sensitivity: 'public' as const }] } } } },
});

/**
 * `maatstaf keys create --name X --roles a,b`: makes a new random API key, prints it once and the
 * line for the key file (which holds only its hash). `maatstaf keys hash`: the hash of an existing
 * key read from stdin (never from argv: command lines end up in shell history and `ps`).
 */
import { Option, type Command } from 'commander';
import { ROLE_PATTERN, generateApiKey, hashApiKey, keyFileEntry } from '../access/authn/api-keys.js';
import { CliExit } from './fail.js';

export interface CreatedKey {
  readonly key: string;
  readonly text: string;
}

/** The output of `keys create` (pure apart from the random key; tested). */
export function createKeyText(name: string, rolesText: string, expires?: string): CreatedKey {
  if (!ROLE_PATTERN.test(name)) throw new CliExit(2, `invalid --name '${name}': use letters, digits or _ . : -`);
  const roles = rolesText.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const bad = roles.find((r) => !ROLE_PATTERN.test(r));
  if (bad !== undefined) throw new CliExit(2, `invalid role '${bad}' in --roles: use letters, digits or _ . : -`);
  if (expires !== undefined && Number.isNaN(new Date(expires).getTime())) throw new CliExit(2, `invalid --expires '${expires}': use a date such as 2027-01-31`);
  const key = generateApiKey();
  const hash = hashApiKey(key);
  let entry = keyFileEntry({ name, hash, roles });
  if (expires !== undefined) entry = entry.replace(/ }$/, `, expires: "${expires}" }`);
  const text = [
    `API key for '${name}' (shown once; store it in the client's secret store):`,
    '',
    `  ${key}`,
    '',
    'Add this entry under `keys:` in the API key file (--api-keys / MAATSTAF_API_KEYS_FILE):',
    '',
    entry,
    '',
    `Clients send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.`,
    '',
  ].join('\n');
  return { key, text };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create API keys and hash existing ones');
  keys
    .command('create')
    .description('make a new random API key; prints the key once and the line for the key file')
    .requiredOption('--name <name>', 'who uses the key (shown in logs and the audit trail)')
    .requiredOption('--roles <roles>', 'comma-separated roles, e.g. raad,kcc')
    .addOption(new Option('--expires <date>', 'refuse the key after this date (e.g. 2027-01-31)'))
    .action((flags: { name: string; roles: string; expires?: string }) => {
      process.stdout.write(createKeyText(flags.name, flags.roles, flags.expires).text);
    });
  keys
    .command('hash')
    .description('print the sha256 hash of an API key read from stdin (one key, surrounding whitespace ignored)')
    .action(async () => {
      const key = (await readStdin()).trim();
      if (key === '' || /\s/.test(key)) throw new CliExit(2, 'send exactly one key on stdin, e.g. `printf %s "$KEY" | maatstaf keys hash`');
      process.stdout.write(`${hashApiKey(key)}\n`);
    });
}

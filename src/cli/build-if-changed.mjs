#!/usr/bin/env node
/* global process, console */
/**
 * `npm start` builds only when something the build reads has changed since the last build: a
 * fingerprint of every input file (path, size, modification time) is compared with the one the last
 * successful build left in dist/.build-stamp. Reading ~500 file stats takes milliseconds, so a
 * second start goes straight to the server; any edit, `git pull` or `npm install` rebuilds.
 * `--force` always builds. Plain JavaScript: it runs before anything is compiled.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What the build reads: TypeScript sources, migrations, the web app, configuration, dependencies. */
const INPUTS = ['src', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** What the build writes; missing output means building whatever the stamp says. */
const OUTPUTS = ['dist/src/cli/main.js', 'dist/web/index.html'];

function files(path) {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  const st = statSync(full);
  if (!st.isDirectory()) return [[path, st]];
  return readdirSync(full, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => files(relative(ROOT, join(full, e.name))));
}

export function fingerprint() {
  const hash = createHash('sha256');
  for (const [path, st] of INPUTS.flatMap(files)) hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const current = fingerprint();
const previous = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
const built = OUTPUTS.every((f) => existsSync(join(ROOT, f)));
if (!force && built && previous === current) {
  console.error('maatstaf: build is up to date (sources unchanged since the last build)');
} else {
  console.error(`maatstaf: building (${!built ? 'no build yet' : force ? '--force' : 'sources changed'})`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // The fingerprint from before the build: a file edited during the build triggers the next one.
  writeFileSync(STAMP, `${current}\n`);
}

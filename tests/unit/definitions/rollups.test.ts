/** rollups.yml: shape errors with file and line, durations, and that the definitions loader skips the file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDefinitionFiles } from '../../../src/definitions/index.js';
import { parseRollups } from '../../../src/definitions/rollups/parse-rollups.js';
import { loadRollups } from '../../../src/definitions/rollups/load-rollups.js';

const issues = (text: string) => parseRollups('rollups.yml', text).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);

describe('rollups.yml', () => {
  it('reads a declaration with names lower-cased and durations in seconds', () => {
    const r = parseRollups(
      'rollups.yml',
      'rollups:\n  - name: daily\n    metrics: [Revenue]\n    group_by: [Order__Channel]\n    time_grain: day\n    partition_grain: month\n    refresh: { every: 15m, refresh_key: true }\n    max_age: 2h\n',
    );
    expect(r.issues).toEqual([]);
    expect(r.rollups).toEqual([
      {
        name: 'daily',
        metrics: ['revenue'],
        groupBy: ['order__channel'],
        timeGrain: 'day',
        partitionGrain: 'month',
        refresh: { everySeconds: 900, refreshKey: true, partitions: 2 },
        maxAgeSeconds: 7200,
        loc: { file: 'rollups.yml', line: 2, path: 'rollups[0]' },
      },
    ]);
  });

  it('reports shape errors with their line, an unknown key with a suggestion', () => {
    expect(issues('rollups:\n  - name: ab\n    model: orders\n    time_grain: hour\n    max_age: soon\n    refesh: {}\n')).toEqual([
      expect.stringMatching(/^4 rollups\[0\]\.time_grain: /),
      expect.stringMatching(/^5 rollups\[0\]\.max_age: invalid duration 'soon'/),
      expect.stringMatching(/^6 rollups\[0\]\.refesh: unknown key 'refesh'.*refresh/),
    ]);
  });

  it('needs either a model or metrics, and unique names', () => {
    expect(issues('rollups:\n  - name: ab\n    time_grain: day\n    max_age: 1h\n  - name: ab\n    model: m\n    metrics: [x]\n    time_grain: day\n    max_age: 1h\n').sort()).toEqual([
      "2 rollups[0]: give either 'model' (every simple metric of a semantic model) or 'metrics', not both or neither",
      "5 rollups[1].name: duplicate rollup name 'ab'",
      "5 rollups[1]: give either 'model' (every simple metric of a semantic model) or 'metrics', not both or neither",
    ].sort());
  });

  it('is not read as a definitions file, and an absent file declares nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollups-'));
    expect(await loadRollups(dir)).toEqual({ rollups: [], issues: [] });
    writeFileSync(join(dir, 'rollups.yml'), 'rollups: []\n');
    writeFileSync(join(dir, 'm.yml'), 'metrics: []\n');
    expect((await readDefinitionFiles(dir)).map((f) => f.path)).toEqual(['m.yml']);
    expect(await loadRollups(dir)).toEqual({ rollups: [], issues: [] });
  });
});

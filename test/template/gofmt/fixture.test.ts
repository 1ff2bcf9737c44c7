/** Every row of fmt-cases.jsonl, Go's fmt output for a table of formats and operands. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sprint, sprintf, sprintln } from '../../../src/template/gofmt.js';
import { decode, loadRows, type Row } from './fixture.js';

function run(row: Row): string {
  const args = row.args.map(decode);
  switch (row.fn) {
    case 'sprint':
      return sprint(args);
    case 'sprintln':
      return sprintln(args);
    default:
      return sprintf(row.format ?? '', args);
  }
}

const rows = loadRows();

test('the fixture holds the Go table', () => {
  assert.ok(rows.length > 4000, `only ${rows.length} rows`);
});

for (const kind of ['sprintf', 'sprint', 'sprintln'] as const) {
  test(`${kind}: every row matches Go`, () => {
    const failures: string[] = [];
    let n = 0;
    for (const row of rows) {
      if (row.fn !== kind) continue;
      n++;
      let got: string;
      try {
        got = run(row);
      } catch (err) {
        got = `THROWN ${(err as Error).stack}`;
      }
      // The fixture holds Go's output through encoding/json, which writes invalid UTF-8 as U+FFFD;
      // our strings hold such bytes escaped (src/template/utf8.ts): compare in the fixture's terms.
      got = got.replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, '\ufffd');
      if (got !== row.want) {
        failures.push(
          `${JSON.stringify(row.format)} ${JSON.stringify(row.args)}\n   want ${JSON.stringify(row.want)}\n   got  ${JSON.stringify(got)}`,
        );
      }
    }
    assert.ok(n > 0);
    assert.equal(
      failures.length,
      0,
      `${failures.length}/${n} rows differ:\n${failures.slice(0, 40).join('\n')}`,
    );
  });
}

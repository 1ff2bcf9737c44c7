/**
 * Helm lets `include` nest 1000 levels within itself (recursionMaxNums; the 1002nd nested call
 * fails) and `tpl` has no limit of its own; the main thread's JavaScript stack runs out after a few
 * hundred, so stencil renders such templates again on its large-stack worker. The expected errors
 * are what Go 1.26 gives with Helm v3.21's includeFun and tplFun bound to a root template "t" as
 * stencil binds them (a scratch Go program): their sha256, length and count of nested calls.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DuatError } from '../../src/core/errors.js';
import { renderStencil } from '../../src/stencil/render.js';

const INCLUDE = (n: number): string =>
  `{{define "a"}}{{if .}}x{{include "a" (slice . 1)}}{{end}}{{end}}{{include "a" (until ${n})}}`;
const TPL = (n: number): string =>
  `{{define "a"}}{{if .}}x{{tpl "{{include \\"a\\" (slice . 1)}}" .}}{{end}}{{end}}{{include "a" (until ${n})}}`;

const GO_ERRORS = {
  include: { sha256: '03e8e9a20028195e3f59ce589fae8c2657c099b8dc12181aad03d8b3e6344fb8', length: 85248 },
  tpl: { sha256: '4d96672563ae440246bda0547117e1252ccd2c5940de4e07fced300f460404e8', length: 252415 },
};

const render = (text: string) => renderStencil(text, { name: 't', ignoreAwsErrors: true, env: {} });

describe('include and tpl nested as deep as Helm allows', () => {
  for (const [kind, template] of [
    ['include', INCLUDE],
    ['tpl', TPL],
  ] as const) {
    it(`${kind}: 1001 nested includes render`, { timeout: 120_000 }, async () => {
      const r = await render(template(1000));
      assert.equal(r.output, 'x'.repeat(1000));
    });

    it(`${kind}: the 1002nd fails with Helm's nested-reference error, as Go gives it`, {
      timeout: 120_000,
    }, async () => {
      await assert.rejects(render(template(1001)), (e: unknown) => {
        assert.ok(e instanceof DuatError);
        assert.ok(
          e.message.endsWith('rendering template has a nested reference name: a: unable to execute template'),
        );
        assert.equal(e.message.match(/error calling include/g)?.length, 1002);
        assert.equal(e.message.length, GO_ERRORS[kind].length);
        assert.equal(createHash('sha256').update(e.message).digest('hex'), GO_ERRORS[kind].sha256);
        return true;
      });
    });
  }
});

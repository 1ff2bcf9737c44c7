import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { cleanEnv, runDuat } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

function project(t: TestContext): string {
  const dir = initRepo(join(tempDir(t), 'my_Service'), {
    branch: 'feature/x',
    files: { 'README.md': 'Version : <repo-version>1.4.2</repo-version>\n' },
  });
  git(dir, 'remote', 'add', 'origin', 'https://user:tok3n-secret@github.com/acme/widgets.git');
  return dir;
}

const quiet = ['--ignore-aws-errors'];

describe('duat stencil', () => {
  it('renders stdin with the .duat data and .Env', (t) => {
    const dir = project(t);
    const hash = git(dir, 'rev-parse', 'HEAD');
    const r = runDuat(['stencil', ...quiet], {
      cwd: dir,
      env: cleanEnv({ STAGE: 'prod' }),
      input:
        '{{ .duat.version }} {{ .duat.module }} {{ .duat.gitBranch }} {{ .duat.gitHash }} {{ .duat.gitURL }} {{ .Env.STAGE }}\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `1.4.2 my_service feature/x ${hash} https://github.com/acme/widgets.git prod\n`);
    assert.equal(r.stderr, '');
  });

  it('writes -output atomically and nothing when the template fails', (t) => {
    const dir = project(t);
    writeFileSync(join(dir, 'in.tmpl'), 'image: web:{{ .duat.version }}\n');
    const ok = runDuat(['stencil', ...quiet, '-input', 'in.tmpl', '-output', 'out.yaml'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(readFileSync(join(dir, 'out.yaml'), 'utf8'), 'image: web:1.4.2\n');
    writeFileSync(join(dir, 'bad.tmpl'), 'line one\n{{ .x | nosuchfunc }}\n');
    const bad = runDuat(['stencil', ...quiet, '-input', 'bad.tmpl', '-output', 'bad.yaml'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /template: noname:2: function "nosuchfunc" not defined/);
    assert.equal(existsSync(join(dir, 'bad.yaml')), false);
    writeFileSync(join(dir, 'exec.tmpl'), 'a\n{{ index .Env 3 }}\n');
    const exec = runDuat(['stencil', ...quiet, '-input', 'exec.tmpl', '-output', 'out.yaml'], { cwd: dir });
    assert.equal(exec.code, 1);
    assert.match(exec.stderr, /template: noname:2:3: executing "noname" at <index \.Env 3>/);
    assert.equal(readFileSync(join(dir, 'out.yaml'), 'utf8'), 'image: web:1.4.2\n', 'the old output stays');
  });

  it('merges values files in order, then -values with quotes removed', (t) => {
    const dir = project(t);
    writeFileSync(join(dir, 'a.yaml'), 'replicas: 2\nimage:\n  tag: "1.0"\nname: from-a\n');
    writeFileSync(join(dir, 'b.json'), '{"replicas": 3, "extra": [1, 2]}');
    writeFileSync(join(dir, 'c.toml'), 'port = 8080\n');
    const r = runDuat(
      [
        'stencil',
        ...quiet,
        '--values-file',
        'a.yaml',
        '--values-file',
        'b.json',
        '--values-file',
        'c.toml',
        '-values',
        'name="quoted name",mode=\'x\'',
      ],
      {
        cwd: dir,
        input:
          '{{ .replicas }} {{ .image.tag }} {{ .extra }} {{ .port }} {{ .name }} {{ .mode }} {{ typeOf .port }}',
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '3 1.0 [1 2] 8080 quoted name x int64');
  });

  it('refuses values files of other types and bad -values', (t) => {
    const dir = project(t);
    writeFileSync(join(dir, 'v.ini'), 'a=1');
    const r = runDuat(['stencil', ...quiet, '--values-file', 'v.ini'], { cwd: dir, input: 'x' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /v\.ini: unsupported values file type "\.ini"/);
    const v = runDuat(['stencil', ...quiet, '-values', 'novalue'], { cwd: dir, input: 'x' });
    assert.equal(v.code, 2);
    assert.match(v.stderr, /"novalue" is not a key=value pair/);
  });

  it('warns once about the AWS context, quiet with -supress-warnings, fatal with -error-warnings', (t) => {
    const dir = project(t);
    const warned = runDuat(['stencil'], { cwd: dir, input: 'x' });
    assert.equal(warned.code, 0);
    assert.equal(warned.stdout, 'x');
    assert.match(
      warned.stderr,
      /^duat stencil: warning: no AWS credentials are configured.*\.duat\.awsecr is not set\n$/,
    );
    const suppressed = runDuat(['stencil', '-supress-warnings'], { cwd: dir, input: 'x' });
    assert.equal(suppressed.stderr, '');
    const also = runDuat(['stencil', '--suppress-warnings'], { cwd: dir, input: 'x' });
    assert.equal(also.stderr, '');
    const fatal = runDuat(['stencil', '-error-warnings', '-output', 'o.txt'], { cwd: dir, input: 'x' });
    assert.equal(fatal.code, 1);
    assert.equal(existsSync(join(dir, 'o.txt')), false);
  });

  it('warns about <no value> with the output line', (t) => {
    const dir = project(t);
    const r = runDuat(['stencil', ...quiet], { cwd: dir, input: 'a\nb {{ .missing }}\n' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'a\nb <no value>\n');
    assert.match(r.stderr, /<no value> on line 2/);
  });

  it('RaiseError fails the command and writes nothing', (t) => {
    const dir = project(t);
    const r = runDuat(['stencil', ...quiet, '-output', 'o.txt'], {
      cwd: dir,
      input: '{{ if not .replicas }}{{ RaiseError "replicas is required" }}{{ end }}ok',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the template raised an error: replicas is required/);
    assert.equal(existsSync(join(dir, 'o.txt')), false);
  });

  it("has Helm's include, tpl and required, and stencil's toYaml/toJson", (t) => {
    const dir = project(t);
    const template = [
      '{{- define "labels" }}app: {{ .app }}{{ end -}}',
      '{{ include "labels" (dict "app" "web") | nindent 2 }}',
      '{{ tpl "v={{ .duat.version }}" . }}',
      '{{ dict "b" 1 "a" (list "x") | toYaml }}{{ dict "k" "<v>" | toJson }}',
    ].join('\n');
    const r = runDuat(['stencil', ...quiet], { cwd: dir, input: template });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '\n  app: web\nv=1.4.2\na:\n- x\nb: 1\n{"k":"\\u003cv\\u003e"}');
    const req = runDuat(['stencil', ...quiet], { cwd: dir, input: '{{ required "name is needed" .name }}' });
    assert.equal(req.code, 1);
    assert.match(req.stderr, /name is needed/);
  });

  it('takes other delimiters', (t) => {
    const dir = project(t);
    const r = runDuat(['stencil', ...quiet, '--delims', '[[,]]'], {
      cwd: dir,
      input: '{{ keep }} [[ .duat.version ]]',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{{ keep }} 1.4.2');
  });

  it('never shows the remote credentials', (t) => {
    const dir = project(t);
    const r = runDuat(['stencil', ...quiet, '-v'], {
      cwd: dir,
      input: '{{ .duat.gitURL }} {{ .duat.nope.deeper }}',
    });
    assert.ok(!r.stdout.includes('tok3n-secret') && !r.stderr.includes('tok3n-secret'));
  });

  it('works outside a git repository with a warning', (t) => {
    const dir = tempDir(t);
    const r = runDuat(['stencil', ...quiet], { cwd: dir, input: '[{{ .duat.gitHash }}]' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '[]');
    assert.match(r.stderr, /not inside a git repository/);
  });

  it('has help with examples', () => {
    const r = runDuat(['stencil', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /-supress-warnings|--supress-warnings/);
    assert.match(r.stdout, /Examples:/);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  NoSuitablePythonError,
  Runner,
  ServerCommandError,
  defaultCandidates,
  expandSetting,
  isSupported,
  parseVersion,
  resolveServerCommand,
} from '../serverCommand';

const posixOnly = { skip: process.platform === 'win32' ? 'fake interpreters are POSIX scripts' : false };

let scratch: string;
let bundledLibs: string;
let emptyLibs: string;

/**
 * Writes an executable that behaves like a Python interpreter asked to run PROBE_SCRIPT.
 * It is a node script with an absolute shebang, so it needs nothing on PATH.
 */
function fakePython(dir: string, name: string, behaviour: { version?: string; executable?: string; exitCode?: number; sleepMs?: number; stdout?: string }): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const lines = [
    `#!${process.execPath}`,
    `const args = process.argv.slice(2);`,
    `if (args[args.length - 2] !== '-c') { console.error('expected -c SCRIPT, got ' + JSON.stringify(args)); process.exit(2); }`,
    `fs = require('fs'); fs.appendFileSync(${JSON.stringify(path.join(dir, 'calls.log'))}, ${JSON.stringify(name)} + ' ' + args.slice(0, -1).join(' ') + '\\n');`,
    `setTimeout(() => {`,
    behaviour.stdout !== undefined ? `  process.stdout.write(${JSON.stringify(behaviour.stdout)});` : '',
    behaviour.version ? `  console.log(${JSON.stringify(behaviour.version)});` : '',
    behaviour.version ? `  console.log(${JSON.stringify(behaviour.executable ?? '/nonexistent/python')});` : '',
    `  process.exit(${behaviour.exitCode ?? 0});`,
    `}, ${behaviour.sleepMs ?? 0});`,
  ];
  fs.writeFileSync(file, lines.join('\n'), { mode: 0o755 });
  return file;
}

function calls(dir: string): string[] {
  const log = path.join(dir, 'calls.log');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
}

let counter = 0;
function freshDir(): string {
  counter += 1;
  const dir = path.join(scratch, `bin${counter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

before(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'docksense-vscode-test-'));
  bundledLibs = path.join(scratch, 'bundled', 'libs');
  fs.mkdirSync(path.join(bundledLibs, 'docksense'), { recursive: true });
  fs.writeFileSync(path.join(bundledLibs, 'docksense', '__init__.py'), '');
  emptyLibs = path.join(scratch, 'no-bundle', 'libs');
});

after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('parseVersion / isSupported', () => {
  it('reads the version line', () => {
    assert.deepEqual(parseVersion('3.12.1\n/usr/bin/python3\n'), [3, 12, 1]);
    assert.deepEqual(parseVersion('noise\r\n3.10.0\r\n'), [3, 10, 0]);
    assert.equal(parseVersion('Python was not found; run without arguments to install from the Microsoft Store'), undefined);
  });
  it('accepts 3.10 and newer only', () => {
    assert.equal(isSupported([3, 10, 0]), true);
    assert.equal(isSupported([3, 13, 2]), true);
    assert.equal(isSupported([4, 0, 0]), true);
    assert.equal(isSupported([3, 9, 18]), false);
    assert.equal(isSupported([2, 7, 18]), false);
  });
});

describe('expandSetting', () => {
  it('expands ~ and ${workspaceFolder}', () => {
    assert.equal(expandSetting('~/bin/docksense'), path.join(os.homedir(), 'bin', 'docksense'));
    assert.equal(expandSetting('${workspaceFolder}/.venv/bin/python', '/ws'), path.join('/ws', '.venv', 'bin', 'python'));
    assert.equal(expandSetting('.venv/bin/python', '/ws'), path.resolve('/ws', '.venv/bin/python'));
    assert.equal(expandSetting('python3.12', '/ws'), 'python3.12');
  });
});

describe('defaultCandidates', () => {
  it('tries python3 then python, and py -3 on Windows', () => {
    assert.deepEqual(defaultCandidates('linux').map((c) => [c.command, ...c.prefix].join(' ')), ['python3', 'python']);
    assert.deepEqual(defaultCandidates('win32').map((c) => [c.command, ...c.prefix].join(' ')), ['python3', 'python', 'py -3']);
  });
});

describe('docksense.path', () => {
  it('runs `<path> serve` without looking for Python', posixOnly, async () => {
    const dir = freshDir();
    const exe = fakePython(dir, 'docksense', { version: '3.12.0' });
    const command = await resolveServerCommand({ path: exe, interpreter: '/also/ignored', bundledLibs, env: { PATH: dir } });
    assert.equal(command.command, exe);
    assert.deepEqual(command.args, ['serve']);
    assert.deepEqual(command.env, {});
    assert.deepEqual(calls(dir), [], 'no interpreter was probed');
  });
  it('a bare name is left to PATH', async () => {
    const command = await resolveServerCommand({ path: 'docksense', bundledLibs, env: { PATH: '' } });
    assert.equal(command.command, 'docksense');
    assert.deepEqual(command.args, ['serve']);
  });
  it('a path that does not exist is an error naming the setting', async () => {
    await assert.rejects(
      resolveServerCommand({ path: path.join(scratch, 'missing', 'docksense'), bundledLibs, env: { PATH: '' } }),
      (error: unknown) => error instanceof ServerCommandError && /docksense\.path/.test(error.message) && /does not exist/.test(error.message),
    );
  });
});

describe('docksense.interpreter', () => {
  it('a Python >= 3.10 runs `-m docksense serve` with the bundle on PYTHONPATH', posixOnly, async () => {
    const dir = freshDir();
    const python = fakePython(dir, 'mypython', { version: '3.11.4' });
    const command = await resolveServerCommand({ interpreter: python, bundledLibs, env: { PATH: '' } });
    assert.equal(command.command, python);
    assert.deepEqual(command.args, ['-m', 'docksense', 'serve']);
    assert.deepEqual(command.env, { PYTHONPATH: bundledLibs });
    assert.match(command.description, /Python 3\.11\.4/);
    assert.deepEqual(calls(dir), ['mypython -c']);
  });
  it('without a bundle, PYTHONPATH is left alone', posixOnly, async () => {
    const dir = freshDir();
    const python = fakePython(dir, 'mypython', { version: '3.10.0' });
    const command = await resolveServerCommand({ interpreter: python, bundledLibs: emptyLibs, env: { PATH: '' } });
    assert.deepEqual(command.env, {});
    assert.match(command.description, /no bundled server/);
  });
  it('uses the executable the interpreter reports, when it exists', posixOnly, async () => {
    const dir = freshDir();
    const real = fakePython(dir, 'python3.12', { version: '3.12.0' });
    const launcher = fakePython(dir, 'launcher', { version: '3.12.0', executable: real });
    const command = await resolveServerCommand({ interpreter: launcher, bundledLibs, env: { PATH: '' } });
    assert.equal(command.command, real);
  });
  it('an old Python is an error naming the setting and the version', posixOnly, async () => {
    const dir = freshDir();
    const python = fakePython(dir, 'oldpython', { version: '3.9.18' });
    await assert.rejects(
      resolveServerCommand({ interpreter: python, bundledLibs, env: { PATH: '' } }),
      (error: unknown) =>
        error instanceof NoSuitablePythonError &&
        /docksense\.interpreter/.test(error.message) &&
        /3\.9\.18/.test(error.message) &&
        /3\.10/.test(error.message),
    );
  });
  it('does not fall back to PATH when the configured one is unusable', posixOnly, async () => {
    const dir = freshDir();
    fakePython(dir, 'python3', { version: '3.12.0' });
    await assert.rejects(
      resolveServerCommand({ interpreter: path.join(dir, 'nope'), bundledLibs, env: { PATH: dir } }),
      (error: unknown) => error instanceof NoSuitablePythonError && /not found/.test(error.message),
    );
    assert.deepEqual(calls(dir), []);
  });
  it('a program that is not Python is an error', posixOnly, async () => {
    const dir = freshDir();
    const notPython = fakePython(dir, 'notpython', { stdout: 'hello\n' });
    await assert.rejects(
      resolveServerCommand({ interpreter: notPython, bundledLibs, env: { PATH: '' } }),
      (error: unknown) => error instanceof NoSuitablePythonError && /no Python version/.test(error.message),
    );
  });
});

describe('search on PATH', () => {
  it('takes python3 when it is new enough', posixOnly, async () => {
    const dir = freshDir();
    fakePython(dir, 'python3', { version: '3.12.2' });
    fakePython(dir, 'python', { version: '3.11.0' });
    const command = await resolveServerCommand({ bundledLibs, env: { PATH: dir }, platform: 'linux' });
    assert.equal(command.command, 'python3');
    assert.deepEqual(command.args, ['-m', 'docksense', 'serve']);
    assert.deepEqual(command.env, { PYTHONPATH: bundledLibs });
    assert.deepEqual(calls(dir), ['python3 -c']);
  });
  it('skips an old python3 for a newer python', posixOnly, async () => {
    const dir = freshDir();
    fakePython(dir, 'python3', { version: '3.8.10' });
    fakePython(dir, 'python', { version: '3.10.12' });
    const command = await resolveServerCommand({ bundledLibs, env: { PATH: dir }, platform: 'linux' });
    assert.equal(command.command, 'python');
    assert.deepEqual(calls(dir), ['python3 -c', 'python -c']);
  });
  it('skips an interpreter that fails or hangs', posixOnly, async () => {
    const dir = freshDir();
    fakePython(dir, 'python3', { sleepMs: 5000, version: '3.12.0' });
    fakePython(dir, 'python', { exitCode: 1 });
    await assert.rejects(
      resolveServerCommand({ bundledLibs, env: { PATH: dir }, platform: 'linux', timeoutMs: 500 }),
      (error: unknown) => {
        assert.ok(error instanceof NoSuitablePythonError);
        assert.deepEqual(error.attempts.map((a) => a.candidate), ['python3', 'python']);
        assert.match(error.attempts[0].problem, /did not answer/);
        return true;
      },
    );
  });
  it('with no Python at all, one error says what to install or set', posixOnly, async () => {
    const dir = freshDir();
    fakePython(dir, 'python', { version: '2.7.18' });
    await assert.rejects(
      resolveServerCommand({ bundledLibs, env: { PATH: dir }, platform: 'linux' }),
      (error: unknown) => {
        assert.ok(error instanceof NoSuitablePythonError);
        assert.deepEqual(error.attempts, [
          { candidate: 'python3', problem: 'not found' },
          { candidate: 'python', problem: 'Python 2.7.18 is too old' },
        ]);
        assert.match(error.message, /needs Python 3\.10 or newer/);
        assert.match(error.message, /python\.org/);
        assert.match(error.message, /docksense\.interpreter/);
        assert.match(error.message, /docksense\.path/);
        return true;
      },
    );
  });
  it('on Windows falls back to `py -3`', async () => {
    const seen: string[] = [];
    const run: Runner = async (command, args) => {
      seen.push([command, ...args.slice(0, -2)].join(' '));
      if (command === 'py' && args[0] === '-3') {
        return { stdout: '3.13.1\r\nC:\\nonexistent\\python.exe\r\n', stderr: '' };
      }
      throw new Error('not found');
    };
    const command = await resolveServerCommand({ bundledLibs, platform: 'win32', env: {}, run });
    assert.deepEqual(seen, ['python3', 'python', 'py -3']);
    assert.equal(command.command, 'py');
    assert.deepEqual(command.args, ['-3', '-m', 'docksense', 'serve']);
  });
  it('finds the real Python of this machine, if it has one', async (t) => {
    let command;
    try {
      command = await resolveServerCommand({ bundledLibs });
    } catch (error) {
      if (error instanceof NoSuitablePythonError) {
        t.skip('no Python 3.10+ on PATH');
        return;
      }
      throw error;
    }
    assert.ok(path.isAbsolute(command.command), `resolved to the interpreter's own path: ${command.command}`);
    assert.deepEqual(command.args.slice(-3), ['-m', 'docksense', 'serve']);
  });
});

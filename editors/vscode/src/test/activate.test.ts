/**
 * Loads the built extension (out/extension.js) with a stand-in for the `vscode` module and
 * activates it on a machine without Python: it must register its commands and show exactly
 * one error notification that says what to install or set.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';

const extensionRoot = path.resolve(__dirname, '..', '..');
const events: unknown[][] = [];
const settings: Record<string, unknown> = { path: '', interpreter: '' };

/** Any property, call or construction returns another stub (for what activation does not use). */
function stub(name: string): unknown {
  const target = function () {};
  return new Proxy(target, {
    get: (_t, property) => (property === 'then' ? undefined : stub(`${name}.${String(property)}`)),
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

const vscodeStub = new Proxy(
  {
    window: {
      createOutputChannel: () => ({ appendLine: (line: string) => events.push(['output', line]), show() {}, dispose() {} }),
      showErrorMessage: (...args: unknown[]) => {
        events.push(['error', ...args]);
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (id: string) => {
        events.push(['command', id]);
        return { dispose() {} };
      },
      executeCommand: async () => undefined,
    },
    workspace: {
      onDidChangeConfiguration: () => ({ dispose() {} }),
      getConfiguration: () => ({ get: (key: string) => settings[key] }),
      workspaceFolders: undefined,
    },
    env: { openExternal: async () => true },
    Uri: { parse: (value: string) => value },
  } as Record<string, unknown>,
  { get: (target, property) => (property in target ? target[property as string] : stub(`vscode.${String(property)}`)) },
);

type Loader = (request: string, ...rest: unknown[]) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const originalLoad = moduleWithLoad._load;
let emptyPath: string;
const originalPath = process.env.PATH;

before(() => {
  moduleWithLoad._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
  };
  emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'docksense-no-python-'));
  process.env.PATH = emptyPath;
});

after(() => {
  moduleWithLoad._load = originalLoad;
  process.env.PATH = originalPath;
  fs.rmSync(emptyPath, { recursive: true, force: true });
});

it('without Python: commands registered and one clear error notification', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(path.join(extensionRoot, 'out', 'extension.js'));
  const context = {
    subscriptions: [] as unknown[],
    asAbsolutePath: (relative: string) => path.join(extensionRoot, relative),
    extension: { packageJSON: JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) },
  };
  await extension.activate(context);

  const commands = events.filter((e) => e[0] === 'command').map((e) => e[1]);
  assert.deepEqual(commands.sort(), ['docksense.restartServer', 'docksense.showOutput']);

  const errors = events.filter((e) => e[0] === 'error');
  assert.equal(errors.length, 1, JSON.stringify(events));
  const [, message, ...actions] = errors[0] as string[];
  assert.match(message, /Python 3\.10 or newer/);
  assert.match(message, /docksense\.interpreter/);
  assert.deepEqual(actions, ['Download Python', 'Open Settings', 'Show Output']);
  assert.ok(
    events.some((e) => e[0] === 'output' && /tried python3: not found/.test(String(e[1]))),
    'the output channel lists what was tried',
  );
  await extension.deactivate();
});

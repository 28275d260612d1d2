import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { CLIENT_ONLY_KEYS, buildServerSettings, contributedKeys, initializationOptions, serverKeys } from '../settings';

// Compiled to out/test/: the extension folder is two levels up.
const extensionRoot = path.resolve(__dirname, '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const serverSettings: {
  section: string;
  settings: Array<{
    key: string;
    type: string;
    default: unknown;
    enum?: string[];
    items?: { type: string };
    minimum?: number;
    maximum?: number;
    valueEnum?: string[];
    properties?: string[];
    description: string;
  }>;
} = JSON.parse(fs.readFileSync(path.join(extensionRoot, '..', 'server-settings.json'), 'utf8'));

const properties: Record<string, Record<string, unknown>> = packageJson.contributes.configuration.properties;

describe('contributes.configuration mirrors the server settings (editors/server-settings.json)', () => {
  it('the list is for the docksense section', () => {
    assert.equal(serverSettings.section, 'docksense');
  });

  it('has exactly the server settings plus the extension-only ones', () => {
    assert.deepEqual(new Set(serverKeys(packageJson)), new Set(serverSettings.settings.map((s) => s.key)));
    assert.deepEqual(
      new Set(contributedKeys(packageJson)),
      new Set([...serverSettings.settings.map((s) => s.key), ...CLIENT_ONLY_KEYS]),
    );
  });

  for (const setting of serverSettings.settings) {
    it(`docksense.${setting.key}`, () => {
      const property = properties[`docksense.${setting.key}`];
      assert.ok(property, `package.json lacks docksense.${setting.key}`);
      assert.equal(property.type, setting.type, 'type');
      assert.deepEqual(property.default, setting.default, 'default');
      assert.ok(
        typeof (property.description ?? property.markdownDescription) === 'string' &&
          String(property.description ?? property.markdownDescription).length > 10,
        'has a description',
      );
      if (setting.enum) assert.deepEqual(property.enum, setting.enum, 'enum');
      if (setting.items) assert.deepEqual(property.items, setting.items, 'items');
      if (setting.minimum !== undefined) assert.equal(property.minimum, setting.minimum, 'minimum');
      if (setting.maximum !== undefined) assert.equal(property.maximum, setting.maximum, 'maximum');
      if (setting.valueEnum) {
        const values = property.additionalProperties as { type: string; enum: string[] };
        assert.deepEqual(values.enum, setting.valueEnum, 'allowed values');
      }
      if (setting.properties) {
        const declared = property.properties as Record<string, { type: string; default: unknown }>;
        assert.deepEqual(Object.keys(declared).sort(), [...setting.properties].sort(), 'properties');
        for (const [name, schema] of Object.entries(declared)) {
          assert.deepEqual(schema.default, (setting.default as Record<string, unknown>)[name], `default of ${name}`);
        }
      }
    });
  }

  it('the extension-only settings', () => {
    assert.equal(properties['docksense.interpreter'].type, 'string');
    assert.equal(properties['docksense.path'].type, 'string');
    assert.deepEqual(properties['docksense.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.equal(properties['docksense.trace.server'].default, 'off');
  });
});

describe('settings sent to the server', () => {
  it('nests the dotted keys, with the defaults from package.json', () => {
    const settings = buildServerSettings(serverKeys(packageJson), (key) => properties[`docksense.${key}`].default);
    assert.deepEqual(settings, {
      knowledge: { paths: [] },
      hover: { detail: 'full' },
      diagnostics: { enable: true, debounceMs: 50 },
      rules: {
        severity: {},
        families: { syntax: true, buildkit: true, practice: true, shellcheck: true, eol: true },
        experimental: [],
      },
      features: {
        completion: true,
        signatureHelp: true,
        documentSymbols: true,
        workspaceSymbols: true,
        definition: true,
        references: true,
        documentHighlight: true,
        rename: true,
        folding: true,
        semanticTokens: true,
        documentLinks: true,
        inlayHints: true,
        formatting: true,
      },
      inlayHints: { variableValues: true, stageIndexes: true, copyDestinations: true },
      formatting: { keywordCase: 'majority' },
      shellcheck: { enable: true, path: '' },
      limits: { maxDocumentBytes: 1000000, requestBudgetMs: 2000 },
    });
  });

  it('leaves out undefined values and copies objects', () => {
    const severity = Object.freeze({ DL3007: 'error' });
    const settings = buildServerSettings(['hover.detail', 'rules.severity'], (key) => (key === 'rules.severity' ? severity : undefined));
    assert.deepEqual(settings, { rules: { severity: { DL3007: 'error' } } });
    assert.notEqual((settings.rules as Record<string, unknown>).severity, severity);
  });

  it('initializationOptions holds the settings under "docksense"', () => {
    assert.deepEqual(initializationOptions({ hover: { detail: 'concise' } }), { docksense: { hover: { detail: 'concise' } } });
  });
});

describe('package.json contract', () => {
  it('identity and activation', () => {
    assert.equal(packageJson.name, 'docksense');
    assert.equal(packageJson.publisher, 'docksense');
    assert.equal(packageJson.engines.vscode, '^1.82.0');
    assert.deepEqual(packageJson.activationEvents, ['onLanguage:dockerfile']);
    assert.equal(packageJson.main, './out/extension.js');
  });
  it('associates Containerfile, *.Dockerfile and Dockerfile.* with dockerfile', () => {
    const language = packageJson.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
    for (const pattern of ['Containerfile', '*.Dockerfile', 'Dockerfile.*']) {
      assert.ok(language.filenamePatterns.includes(pattern), pattern);
    }
  });
  it('commands', () => {
    const commands = Object.fromEntries(
      packageJson.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, `${c.category}: ${c.title}`]),
    );
    assert.deepEqual(commands, {
      'docksense.restartServer': 'docksense: Restart Server',
      'docksense.showOutput': 'docksense: Show Output',
    });
  });
  it('@types/vscode is not newer than engines.vscode (vsce refuses that)', () => {
    assert.equal(packageJson.devDependencies['@types/vscode'], packageJson.engines.vscode.replace('^', ''));
  });
});

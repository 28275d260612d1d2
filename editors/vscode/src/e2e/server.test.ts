/**
 * End to end, without VS Code: start the server exactly as the extension does (same command
 * selection, same bundled/libs, same initializationOptions) and talk LSP to it.
 * Needs `npm run bundle-python` first (or docksense installed for the Python on PATH).
 * DOCKSENSE_PATH=/path/to/docksense tests that executable instead (like the docksense.path setting).
 * Run: npm run test:e2e
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

import { resolveServerCommand } from '../serverCommand';
import { buildServerSettings, initializationOptions, serverKeys } from '../settings';

const extensionRoot = path.resolve(__dirname, '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const properties: Record<string, { default: unknown }> = packageJson.contributes.configuration.properties;
const settings = buildServerSettings(serverKeys(packageJson), (key) => properties[`docksense.${key}`].default);

const commandOptions = { path: process.env.DOCKSENSE_PATH, bundledLibs: path.join(extensionRoot, 'bundled', 'libs') };
const DOCKERFILE = 'FROM alpine:3.19\nFOO bar\nRUN echo hi\n';
const TIMEOUT_MS = 20000;

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}

function hoverText(contents: unknown): string {
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map(hoverText).join('\n');
  if (contents && typeof contents === 'object' && 'value' in contents) return String((contents as { value: unknown }).value);
  return '';
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('the docksense server, started like the extension starts it', () => {
  let server: ChildProcess;
  let connection: MessageConnection;
  let stderr = '';
  const configurationRequests: unknown[] = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  const diagnosticWaiters: Array<() => void> = [];
  let workspace: string;
  let uri: string;

  before(async () => {
    const command = await resolveServerCommand(commandOptions);
    console.log(`# server: ${command.description}`);
    server = spawn(command.command, command.args, { env: { ...process.env, ...command.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    server.stderr?.on('data', (chunk) => {
      stderr += chunk.toString();
    });
    connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => {
      configurationRequests.push(params);
      return params.items.map((item) => (item.section === 'docksense' ? settings : item.section ? null : { docksense: settings }));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: Diagnostic[] }) => {
      diagnostics.set(params.uri, params.diagnostics);
      diagnosticWaiters.splice(0).forEach((wake) => wake());
    });
    connection.listen();

    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'docksense-e2e-'));
    const file = path.join(workspace, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    uri = pathToFileURL(file).toString();

    const exited = new Promise<never>((_, reject) =>
      server.on('exit', (code) => reject(new Error(`server exited (${code}) during initialize:\n${stderr}`))),
    );
    const result = await withTimeout(
      Promise.race([
        connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri: pathToFileURL(workspace).toString(),
          workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: 'e2e' }],
          capabilities: {
            workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
            textDocument: {
              hover: { contentFormat: ['markdown', 'plaintext'] },
              publishDiagnostics: { relatedInformation: true },
            },
          },
          initializationOptions: initializationOptions(settings),
          clientInfo: { name: 'docksense-vscode-e2e' },
        }),
        exited,
      ]),
      'initialize',
    );
    assert.ok(result, 'initialize answered');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text: DOCKERFILE },
    });
  });

  after(async () => {
    try {
      await withTimeout(connection.sendRequest('shutdown'), 'shutdown');
      await connection.sendNotification('exit');
    } catch {
      // The server may already be gone; it is killed below anyway.
    }
    connection?.dispose();
    server?.kill();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('answers hover on FROM with an explanation', async () => {
    const hover = (await withTimeout(
      connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }),
      'hover',
    )) as { contents: unknown } | null;
    assert.ok(hover, `hover on FROM returned null (server stderr:\n${stderr})`);
    assert.ok(hoverText(hover.contents).trim().length > 0, 'hover text is not empty');
  });

  it('publishes a diagnostic for the unknown instruction on line 2', async () => {
    const found = () => (diagnostics.get(uri) ?? []).some((d) => d.range.start.line === 1);
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => (found() ? resolve() : diagnosticWaiters.push(check));
        check();
      }),
      'a diagnostic on line 2 (FOO bar)',
    );
    assert.ok(found());
  });

  it('asked for the docksense section, if it asked at all', () => {
    for (const request of configurationRequests as Array<{ items: Array<{ section?: string }> }>) {
      assert.ok(request.items.every((item) => item.section === 'docksense' || item.section === undefined), JSON.stringify(request));
    }
  });
});

describe('docksense --version', () => {
  it('prints the version', async () => {
    const command = await resolveServerCommand(commandOptions);
    const args = [...command.args.slice(0, -1), '--version'];
    const child = spawn(command.command, args, { env: { ...process.env, ...command.env } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /\d+\.\d+\.\d+/);
  });
});

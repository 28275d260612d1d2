import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from 'vscode-languageclient/node';

import { NoSuitablePythonError, ServerCommandError, resolveServerCommand } from './serverCommand';
import { SECTION, buildServerSettings, initializationOptions, serverKeys } from './settings';

const PYTHON_DOWNLOAD = 'https://www.python.org/downloads/';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionContext: vscode.ExtensionContext;
/** Starts and stops run one after another. */
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel('docksense');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('docksense.restartServer', () => enqueue(restart)),
    vscode.commands.registerCommand('docksense.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The other docksense.* settings reach the running server through
      // workspace/didChangeConfiguration (synchronize.configurationSection); these two
      // decide which server runs, so they need a restart.
      if (event.affectsConfiguration(`${SECTION}.path`) || event.affectsConfiguration(`${SECTION}.interpreter`)) {
        output.appendLine('docksense.path or docksense.interpreter changed: restarting the server.');
        void enqueue(restart);
      }
    }),
  );
  return enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function enqueue(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (!running) {
    return;
  }
  try {
    await running.stop();
  } catch (error) {
    output.appendLine(`Stopping the server failed: ${String(error)}`);
  }
}

/** The server's settings only (not docksense.path/interpreter/trace), nested. */
function currentSettings(scopeUri?: string): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  const keys = serverKeys(extensionContext.extension.packageJSON);
  return buildServerSettings(keys, (key) => configuration.get(key));
}

async function start(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  let command;
  try {
    command = await resolveServerCommand({
      path: configuration.get<string>('path'),
      interpreter: configuration.get<string>('interpreter'),
      bundledLibs: extensionContext.asAbsolutePath('bundled/libs'),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
  } catch (error) {
    // Not awaited: the notification stays up while restarts can still run.
    reportStartProblem(error);
    return;
  }
  output.appendLine(`Starting the docksense server: ${command.description}`);

  const serverOptions: ServerOptions = {
    command: command.command,
    args: command.args,
    options: { env: { ...process.env, ...command.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'untitled', language: 'dockerfile' },
    ],
    // Changes to docksense.* are sent as workspace/didChangeConfiguration; the server then
    // pulls the section with workspace/configuration.
    synchronize: { configurationSection: SECTION },
    initializationOptions: initializationOptions(currentSettings()),
    middleware: {
      workspace: {
        // Answer for the docksense section with the server's settings only, so that the
        // server does not see (and warn about) the extension's own settings.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, index) => (item.section === SECTION ? currentSettings(item.scopeUri) : result[index]));
        },
        didChangeConfiguration: async (sections, next) => {
          if (sections?.includes(SECTION)) {
            await newClient.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: currentSettings() },
            });
            return;
          }
          await next(sections);
        },
      },
    },
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  // The id 'docksense' makes the client read `docksense.trace.server`.
  const newClient = new LanguageClient('docksense', 'docksense', serverOptions, clientOptions);
  client = newClient;
  try {
    await newClient.start();
  } catch (error) {
    // vscode-languageclient has already shown a notification with a link to the output.
    output.appendLine(`The docksense server did not start: ${String(error)}`);
    if (client === newClient) {
      client = undefined;
    }
  }
}

function reportStartProblem(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  output.appendLine(message);
  if (error instanceof NoSuitablePythonError) {
    for (const attempt of error.attempts) {
      output.appendLine(`  tried ${attempt.candidate}: ${attempt.problem}`);
    }
  }
  const actions =
    error instanceof NoSuitablePythonError
      ? ['Download Python', 'Open Settings', 'Show Output']
      : error instanceof ServerCommandError
        ? ['Open Settings', 'Show Output']
        : ['Show Output'];
  const text = error instanceof ServerCommandError ? message : `docksense: ${message}`;
  void vscode.window.showErrorMessage(text, ...actions).then(async (choice) => {
    if (choice === 'Download Python') {
      await vscode.env.openExternal(vscode.Uri.parse(PYTHON_DOWNLOAD));
    } else if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:docksense.docksense`);
    } else if (choice === 'Show Output') {
      output.show(true);
    }
  });
}

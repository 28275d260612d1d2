/**
 * How the extension starts the docksense server.
 *
 * This module must not import `vscode`: the node tests (npm test) load it without a VS Code
 * window. Everything it needs from VS Code (settings, the extension's folder) is passed in.
 *
 * Order:
 *   1. `docksense.path` set        -> `<path> serve`
 *   2. `docksense.interpreter` set -> `<interpreter> -m docksense serve` (must be Python >= 3.10)
 *   3. otherwise the first Python >= 3.10 among `python3`, `python` (and `py -3` on Windows)
 *      on PATH -> `<python> -m docksense serve`
 * In cases 2 and 3 PYTHONPATH is the extension's `bundled/libs`, where `npm run bundle-python`
 * put docksense and its (pure-Python) dependencies.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Printed by every candidate interpreter: its version, then its own executable path. */
export const PROBE_SCRIPT =
  "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3])); print(sys.executable)";

export interface ServerCommand {
  command: string;
  args: string[];
  /** Variables to set for the server process, on top of the extension host's environment. */
  env: Record<string, string>;
  /** One line for the output channel. */
  description: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; rejects if it cannot be started, fails or times out. */
export type Runner = (
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number },
) => Promise<RunResult>;

export interface ResolveOptions {
  /** `docksense.path` */
  path?: string;
  /** `docksense.interpreter` */
  interpreter?: string;
  /** The extension's `bundled/libs` folder. */
  bundledLibs: string;
  /** First workspace folder, for `${workspaceFolder}` in settings. */
  workspaceFolder?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  run?: Runner;
  timeoutMs?: number;
}

export interface Attempt {
  candidate: string;
  problem: string;
}

/** A setting points at something that cannot work; the message says which and what to do. */
export class ServerCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerCommandError';
  }
}

/** No Python >= 3.10 could be found; `attempts` says what was tried and why each failed. */
export class NoSuitablePythonError extends ServerCommandError {
  constructor(
    message: string,
    readonly attempts: Attempt[],
  ) {
    super(message);
    this.name = 'NoSuitablePythonError';
  }
}

export const defaultRunner: Runner = (command, args, options) =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            reject(new Error('not found'));
          } else if (error.killed) {
            reject(new Error(`did not answer within ${options.timeoutMs} ms`));
          } else {
            const detail = (stderr || stdout || error.message).trim().split(/\r?\n/).pop();
            reject(new Error(detail || `exit code ${String(code)}`));
          }
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });

/** Expands `~` and `${workspaceFolder}`, and makes a relative path with a folder part absolute. */
export function expandSetting(value: string, workspaceFolder?: string): string {
  let result = value.trim();
  if (workspaceFolder) {
    result = result.split('${workspaceFolder}').join(workspaceFolder);
  }
  if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  if (workspaceFolder && !path.isAbsolute(result) && /[\\/]/.test(result)) {
    result = path.resolve(workspaceFolder, result);
  }
  return result;
}

export function parseVersion(stdout: string): [number, number, number] | undefined {
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(line);
    if (match) {
      return [Number(match[1]), Number(match[2]), Number(match[3])];
    }
  }
  return undefined;
}

export function isSupported(version: readonly number[]): boolean {
  const [major, minor] = version;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

const MIN_TEXT = `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}`;

interface Candidate {
  command: string;
  prefix: string[];
}

function candidateName(candidate: Candidate): string {
  return [candidate.command, ...candidate.prefix].join(' ');
}

/** The interpreters tried when `docksense.interpreter` is empty, in order. */
export function defaultCandidates(platform: NodeJS.Platform): Candidate[] {
  const candidates: Candidate[] = [
    { command: 'python3', prefix: [] },
    { command: 'python', prefix: [] },
  ];
  if (platform === 'win32') {
    candidates.push({ command: 'py', prefix: ['-3'] });
  }
  return candidates;
}

interface Probed {
  version: [number, number, number];
  executable?: string;
}

async function probe(candidate: Candidate, run: Runner, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Probed> {
  const { stdout } = await run(candidate.command, [...candidate.prefix, '-c', PROBE_SCRIPT], { env, timeoutMs });
  const version = parseVersion(stdout);
  if (!version) {
    throw new Error(`printed no Python version (${JSON.stringify(stdout.trim().slice(0, 80))})`);
  }
  const lines = stdout.split(/\r?\n/).map((line) => line.trim());
  const executable = lines[lines.findIndex((line) => /^\d+\.\d+\.\d+$/.test(line)) + 1];
  return { version, executable: executable || undefined };
}

function serverEnv(bundledLibs: string): { env: Record<string, string>; note: string } {
  if (fs.existsSync(path.join(bundledLibs, 'docksense'))) {
    return { env: { PYTHONPATH: bundledLibs }, note: `PYTHONPATH=${bundledLibs}` };
  }
  return { env: {}, note: 'no bundled server found; using the docksense installed for that Python' };
}

function pythonCommand(candidate: Candidate, probed: Probed, bundledLibs: string): ServerCommand {
  // Prefer the interpreter's own path (e.g. what `py -3` resolves to), so that the server
  // runs under exactly the Python that was checked.
  const useExecutable =
    probed.executable !== undefined && path.isAbsolute(probed.executable) && fs.existsSync(probed.executable);
  const command = useExecutable ? (probed.executable as string) : candidate.command;
  const prefix = useExecutable ? [] : candidate.prefix;
  const { env, note } = serverEnv(bundledLibs);
  return {
    command,
    args: [...prefix, '-m', 'docksense', 'serve'],
    env,
    description: `${command} ${[...prefix, '-m', 'docksense', 'serve'].join(' ')} (Python ${probed.version.join('.')}; ${note})`,
  };
}

const INSTALL_HINT =
  `Install Python ${MIN_TEXT} or newer (https://www.python.org/downloads/) and make sure \`python3\` or \`python\` is on PATH, ` +
  `or set "docksense.interpreter" to a Python ${MIN_TEXT}+ executable, ` +
  `or set "docksense.path" to a docksense executable (pipx install docksense).`;

export async function resolveServerCommand(options: ResolveOptions): Promise<ServerCommand> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const run = options.run ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 10000;

  const configuredPath = (options.path ?? '').trim();
  if (configuredPath) {
    const executable = expandSetting(configuredPath, options.workspaceFolder);
    if (path.isAbsolute(executable) && !fs.existsSync(executable)) {
      throw new ServerCommandError(
        `"docksense.path" is set to ${executable}, which does not exist. ` +
          'Set it to a docksense executable, or clear it to use the server bundled with the extension.',
      );
    }
    return { command: executable, args: ['serve'], env: {}, description: `${executable} serve (docksense.path)` };
  }

  const configuredInterpreter = (options.interpreter ?? '').trim();
  if (configuredInterpreter) {
    const candidate = { command: expandSetting(configuredInterpreter, options.workspaceFolder), prefix: [] };
    let probed: Probed;
    try {
      probed = await probe(candidate, run, env, timeoutMs);
    } catch (error) {
      const problem = (error as Error).message;
      throw new NoSuitablePythonError(
        `docksense cannot use the Python set in "docksense.interpreter" (${candidate.command}): ${problem}. ` +
          `Set "docksense.interpreter" to a Python ${MIN_TEXT}+ executable, or clear it to search PATH.`,
        [{ candidate: candidate.command, problem }],
      );
    }
    if (!isSupported(probed.version)) {
      const problem = `Python ${probed.version.join('.')} is older than ${MIN_TEXT}`;
      throw new NoSuitablePythonError(
        `docksense cannot use the Python set in "docksense.interpreter" (${candidate.command}): ${problem}. ` +
          `Set "docksense.interpreter" to a Python ${MIN_TEXT}+ executable, or clear it to search PATH.`,
        [{ candidate: candidate.command, problem }],
      );
    }
    return pythonCommand(candidate, probed, options.bundledLibs);
  }

  const attempts: Attempt[] = [];
  for (const candidate of defaultCandidates(platform)) {
    let probed: Probed;
    try {
      probed = await probe(candidate, run, env, timeoutMs);
    } catch (error) {
      attempts.push({ candidate: candidateName(candidate), problem: (error as Error).message });
      continue;
    }
    if (!isSupported(probed.version)) {
      attempts.push({ candidate: candidateName(candidate), problem: `Python ${probed.version.join('.')} is too old` });
      continue;
    }
    return pythonCommand(candidate, probed, options.bundledLibs);
  }
  const tried = attempts.map((attempt) => `${attempt.candidate}: ${attempt.problem}`).join('; ');
  throw new NoSuitablePythonError(
    `docksense needs Python ${MIN_TEXT} or newer to run its server, and found none (${tried}). ${INSTALL_HINT}`,
    attempts,
  );
}

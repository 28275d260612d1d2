// npm run bundle-python: install docksense (the repository at ../..) and its dependencies into
// bundled/libs, pure Python only, so that the extension runs `python -m docksense serve` with
// PYTHONPATH=bundled/libs on any OS.
//
// The package is built from a scratch copy of the repository, so the build leaves nothing
// (build/, *.egg-info) in the working tree and stale build/ output never reaches the bundle.
// Python: $DOCKSENSE_BUNDLE_PYTHON, else python3, else python (3.10 or newer).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionRoot = path.resolve(here, '..');
const repoRoot = path.resolve(extensionRoot, '..', '..');
const target = path.join(extensionRoot, 'bundled', 'libs');

function fail(message) {
  console.error(`bundle-python: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} exited with ${result.status}`);
}

function findPython() {
  const candidates = process.env.DOCKSENSE_BUNDLE_PYTHON ? [process.env.DOCKSENSE_BUNDLE_PYTHON] : ['python3', 'python'];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  fail(`no Python 3.10+ found (tried ${candidates.join(', ')}); set DOCKSENSE_BUNDLE_PYTHON`);
}

if (!fs.existsSync(path.join(repoRoot, 'pyproject.toml'))) fail(`no pyproject.toml in ${repoRoot}`);
const python = findPython();

// Scratch copy of the package sources.
const SKIP_TOP = new Set(['.git', 'editors', 'build', 'dist', '.venv', 'venv', '.tox', '.pytest_cache', '.hypothesis', '.mypy_cache', '.ruff_cache']);
const SKIP_ANYWHERE = new Set(['__pycache__', 'node_modules']);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'docksense-bundle-'));
const source = path.join(scratch, 'src');
fs.cpSync(repoRoot, source, {
  recursive: true,
  filter: (from) => {
    const relative = path.relative(repoRoot, from);
    if (relative === '') return true;
    const name = path.basename(from);
    const topLevel = !relative.includes(path.sep);
    return !((topLevel && SKIP_TOP.has(name)) || SKIP_ANYWHERE.has(name) || name.endsWith('.egg-info') || name.endsWith('.pyc'));
  },
});

try {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-compile', '--no-warn-script-location', '--target', target, source]);
  run(python, [path.join(here, 'complete_bundle.py'), target]);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

// Console scripts point at the build machine's Python: useless in the extension.
fs.rmSync(path.join(target, 'bin'), { recursive: true, force: true });

// Checks: the package, its knowledge base, and that it imports from the bundle alone.
const pkg = path.join(target, 'docksense');
if (!fs.existsSync(path.join(pkg, '__init__.py'))) fail(`${pkg}/__init__.py missing`);
const knowledge = path.join(pkg, '_knowledge');
if (!fs.existsSync(knowledge) || fs.readdirSync(knowledge).length === 0) {
  fail(`${knowledge} missing or empty: setup.py should copy the repository's knowledge/ into the wheel`);
}
const probe = [
  'import docksense, pygls, lsprotocol',
  'print("bundle imports: docksense", docksense.__version__)',
  'print("\\n".join(m.__file__ for m in (docksense, pygls, lsprotocol)))',
].join('; ');
const check = spawnSync(python, ['-s', '-c', probe], {
  encoding: 'utf8',
  env: { ...process.env, PYTHONPATH: target },
  cwd: os.tmpdir(),
});
if (check.status !== 0) fail(`importing from the bundle failed:\n${check.stderr}`);
const [summary, ...files] = check.stdout.trim().split(/\r?\n/);
const outside = files.filter((file) => !path.resolve(file).startsWith(target + path.sep));
if (outside.length > 0) fail(`imported from outside the bundle: ${outside.join(', ')}`);
console.log(summary);
console.log(`bundle-python: ${target} ready`);

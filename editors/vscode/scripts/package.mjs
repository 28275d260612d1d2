// npm run package: bundle the Python server, build the extension, write docksense-<version>.vsix
// and check what is in it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = `docksense-${version}.vsix`;

function run(args) {
  console.log(`> node ${args.join(' ')}`);
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run([path.join('scripts', 'bundle-python.mjs')]);
// --no-dependencies: out/extension.js is bundled by esbuild, node_modules is not needed.
// vsce runs `vscode:prepublish` (npm run compile) first.
run([path.join('node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix]);
run([path.join('scripts', 'check-vsix.mjs'), vsix]);

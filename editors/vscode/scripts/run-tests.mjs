// Runs every *.test.js under the given folders with the node:test runner.
// (Node 20 and 22 treat `node --test <dir>` differently, so list the files explicitly.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const files = [];
for (const folder of process.argv.slice(2)) {
  if (!fs.existsSync(folder)) continue;
  for (const name of fs.readdirSync(folder).sort()) {
    if (name.endsWith('.test.js')) files.push(path.join(folder, name));
  }
}
if (files.length === 0) {
  console.error(`no test files in ${process.argv.slice(2).join(', ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);

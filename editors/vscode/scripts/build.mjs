// Builds out/ with esbuild (type-checking is `tsc -p ./`, run by `npm run compile`):
//   out/extension.js   the extension, bundled with vscode-languageclient ('vscode' stays external)
//   out/test/*.js      unit tests (npm test), each bundled with what it imports
//   out/e2e/*.js       end-to-end tests against the real server (npm run test:e2e)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

function testEntries(folder) {
  const dir = path.join(root, 'src', folder);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.join(dir, name));
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  { ...common, entryPoints: [path.join(root, 'src', 'extension.ts')], outfile: path.join(root, 'out', 'extension.js'), external: ['vscode'], minifyWhitespace: !watch, minifySyntax: !watch },
  // Tests must not need 'vscode': leaving it unresolved makes esbuild fail if one imports it.
  { ...common, entryPoints: testEntries('test'), outdir: path.join(root, 'out', 'test') },
  { ...common, entryPoints: testEntries('e2e'), outdir: path.join(root, 'out', 'e2e') },
].filter((options) => options.outfile || options.entryPoints.length > 0);

fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching src/');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

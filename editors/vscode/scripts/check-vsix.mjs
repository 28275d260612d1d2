// Lists a .vsix (a zip) and checks that it holds the extension and the bundled server, and
// nothing that should have stayed out. Usage: node scripts/check-vsix.mjs docksense-X.vsix
import * as fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: check-vsix.mjs FILE.vsix');
  process.exit(2);
}
const data = fs.readFileSync(file);

// Zip central directory: find the end-of-central-directory record, then walk the entries.
let eocd = -1;
for (let i = data.length - 22; i >= Math.max(0, data.length - 65557); i--) {
  if (data.readUInt32LE(i) === 0x06054b50) {
    eocd = i;
    break;
  }
}
if (eocd < 0) {
  console.error(`${file}: not a zip file`);
  process.exit(1);
}
const count = data.readUInt16LE(eocd + 10);
let offset = data.readUInt32LE(eocd + 16);
const names = [];
for (let i = 0; i < count; i++) {
  if (data.readUInt32LE(offset) !== 0x02014b50) {
    console.error(`${file}: bad central directory`);
    process.exit(1);
  }
  const nameLength = data.readUInt16LE(offset + 28);
  const extraLength = data.readUInt16LE(offset + 30);
  const commentLength = data.readUInt16LE(offset + 32);
  names.push(data.toString('utf8', offset + 46, offset + 46 + nameLength));
  offset += 46 + nameLength + extraLength + commentLength;
}

const problems = [];
const required = [
  'extension/package.json',
  'extension/out/extension.js',
  'extension/readme.md', // vsce lower-cases it
  'extension/bundled/libs/docksense/__init__.py',
];
for (const name of required) {
  if (!names.includes(name)) problems.push(`missing ${name}`);
}
const requiredPrefixes = [
  'extension/bundled/libs/docksense/_knowledge/',
  'extension/bundled/libs/pygls/',
  'extension/bundled/libs/lsprotocol/',
];
for (const prefix of requiredPrefixes) {
  if (!names.some((name) => name.startsWith(prefix))) problems.push(`nothing under ${prefix}`);
}
const forbidden = [/^extension\/node_modules\//, /^extension\/src\//, /^extension\/out\/(test|e2e)\//, /\.map$/, /__pycache__\//, /\.pyc$/, /\.(so|pyd|dylib|dll)$/, /^extension\/scripts\//];
for (const name of names) {
  if (forbidden.some((pattern) => pattern.test(name))) problems.push(`should not be packaged: ${name}`);
}

const knowledgeFiles = names.filter((name) => name.startsWith('extension/bundled/libs/docksense/_knowledge/')).length;
console.log(`${file}: ${names.length} files, ${(data.length / 1024).toFixed(0)} KiB; docksense/_knowledge: ${knowledgeFiles} files`);
if (problems.length > 0) {
  for (const problem of problems) console.error(`check-vsix: ${problem}`);
  process.exit(1);
}
console.log('check-vsix: ok');

/**
 * The server's settings as VS Code holds them. No `vscode` import: tested by npm test.
 *
 * package.json `contributes.configuration` mirrors every server setting (checked against
 * editors/server-settings.json by the tests) plus a few that only the extension reads.
 */

export const SECTION = 'docksense';

/** Settings under `docksense.` that the extension reads and the server does not. */
export const CLIENT_ONLY_KEYS: readonly string[] = ['interpreter', 'path', 'trace.server'];

interface PackageJsonLike {
  contributes?: { configuration?: { properties?: Record<string, unknown> } | Array<{ properties?: Record<string, unknown> }> };
}

/** Every `docksense.*` key the extension contributes, without the `docksense.` prefix. */
export function contributedKeys(packageJson: PackageJsonLike): string[] {
  const configuration = packageJson.contributes?.configuration;
  const blocks = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  const keys: string[] = [];
  for (const block of blocks) {
    for (const name of Object.keys(block.properties ?? {})) {
      if (name.startsWith(`${SECTION}.`)) {
        keys.push(name.slice(SECTION.length + 1));
      }
    }
  }
  return keys;
}

/** The contributed keys that belong to the server. */
export function serverKeys(packageJson: PackageJsonLike): string[] {
  return contributedKeys(packageJson).filter((key) => !CLIENT_ONLY_KEYS.includes(key));
}

/**
 * Nests dotted keys: `{"hover.detail": "full"}` -> `{hover: {detail: "full"}}`.
 * `get` returns the effective value of `docksense.<key>`; undefined values are left out.
 */
export function buildServerSettings(keys: readonly string[], get: (key: string) => unknown): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const value = get(key);
    if (value === undefined) {
      continue;
    }
    const parts = key.split('.');
    let node = settings;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = clone(value);
  }
  return settings;
}

/** What the extension sends as `initializationOptions`: the settings under their section. */
export function initializationOptions(settings: Record<string, unknown>): Record<string, unknown> {
  return { [SECTION]: settings };
}

function clone(value: unknown): unknown {
  // VS Code hands out frozen/proxied objects; send plain JSON.
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}

"""Check the editor snippets (Helix, Sublime Text, Zed) against server-settings.json.

Each snippet must list every server setting with its default, under the docksense section,
and wire the server to Dockerfiles. Run: python3 editors/check_snippets.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MAP_LEAVES = {"rules.severity", "rules.families"}  # objects whose keys are data, not paths
problems: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok     " if ok else "FAIL   ") + what)
    if not ok:
        problems.append(what)


def flatten(value: dict, prefix: str = "") -> dict:
    out = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict) and path not in MAP_LEAVES:
            out.update(flatten(item, path + "."))
        else:
            out[path] = item
    return out


def same_as_defaults(name: str, found: dict, defaults: dict) -> None:
    missing = sorted(set(defaults) - set(found))
    extra = sorted(set(found) - set(defaults))
    wrong = sorted(k for k in set(found) & set(defaults) if found[k] != defaults[k])
    check(not missing and not extra and not wrong,
          f"{name}: every server setting with its default"
          + (f" (missing {missing})" if missing else "")
          + (f" (unknown {extra})" if extra else "")
          + (f" (not the default: {wrong})" if wrong else ""))


def main() -> int:
    spec = json.loads((HERE / "server-settings.json").read_text())
    check(spec["section"] == "docksense", "server-settings.json: section is docksense")
    defaults = {s["key"]: s["default"] for s in spec["settings"]}

    # The server itself, when importable: its defaults must be the list's.
    try:
        import attrs
        from docksense.settings import Settings, _camel
    except ImportError as exc:
        print(f"skip   server defaults (cannot import docksense.settings: {exc})")
    else:
        def camel_keys(value):
            return {_camel(k): camel_keys(v) if isinstance(v, dict) and k not in ("severity", "families") else v
                    for k, v in value.items()}
        same_as_defaults("server: docksense.settings.Settings()", flatten(camel_keys(attrs.asdict(Settings()))), defaults)

    # Helix
    helix = tomllib.loads((HERE / "helix" / "languages.toml").read_text())
    server = helix["language-server"]["docksense"]
    check([server["command"], *server.get("args", [])] == ["docksense", "serve"], "helix: runs `docksense serve`")
    same_as_defaults("helix: config.docksense", flatten(server["config"]["docksense"]), defaults)
    languages = {entry["name"]: entry for entry in helix["language"]}
    check("docksense" in languages.get("dockerfile", {}).get("language-servers", []),
          "helix: docksense serves the dockerfile language")

    # Sublime Text
    sublime = json.loads((HERE / "sublime" / "LSP.sublime-settings").read_text())
    client = sublime["clients"]["docksense"]
    check(client["command"] == ["docksense", "serve"], "sublime: runs `docksense serve`")
    check(client.get("selector") == "source.dockerfile", "sublime: selector source.dockerfile")
    dotted = client["settings"]
    check(all(k.startswith("docksense.") for k in dotted), "sublime: settings under docksense.")
    same_as_defaults("sublime: settings", {k.removeprefix("docksense."): v for k, v in dotted.items()}, defaults)

    # Zed
    zed = json.loads((HERE / "zed" / "settings.json").read_text())
    same_as_defaults("zed: lsp.docksense.settings", flatten(zed["lsp"]["docksense"]["settings"]), defaults)
    check("docksense" in zed["languages"]["Dockerfile"]["language_servers"], "zed: docksense serves Dockerfile")
    extension = tomllib.loads((HERE / "zed" / "extension" / "extension.toml").read_text())
    check(extension["language_servers"]["docksense"]["languages"] == ["Dockerfile"],
          "zed: extension.toml registers docksense for Dockerfile")
    cargo = tomllib.loads((HERE / "zed" / "extension" / "Cargo.toml").read_text())
    check(cargo["lib"]["crate-type"] == ["cdylib"] and "zed_extension_api" in cargo["dependencies"],
          "zed: Cargo.toml is a cdylib on zed_extension_api")

    if problems:
        print(f"check_snippets: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("check_snippets: all snippets match server-settings.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

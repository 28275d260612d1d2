"""The indexed knowledge base: lookups by kind and name, loaded lazily per kind.

Start-up cost matters for a language server, so nothing is read until a kind is first asked
for; each kind's folder is then read from every root (the bundled base first, then user packs
in order, a later pack overriding an entry with the same id).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Optional
from pathlib import Path

from .loader import FOLDER_OF_KIND, KnowledgeProblem, iter_files, load_file
from .models import Entry, Part, entry_id
from .paths import bundled_knowledge_dir

# What follows a package name in an install command: a version pin or an architecture.
_PACKAGE_SUFFIX = re.compile(r"(?:[=<>~]|:[a-z0-9]+$).*$")

# Kinds whose names match case-insensitively (Dockerfile keywords, directives).
_CASE_INSENSITIVE = {"instruction", "directive", "flag", "mount"}


def _norm(kind: str, name: str) -> str:
    return name.lower() if kind in _CASE_INSENSITIVE else name


class KnowledgeBase:
    """Entries from the bundled base plus user packs, indexed by id and alias."""

    def __init__(self, roots: Iterable[Path] | None = None, *, include_bundled: bool = True):
        self.roots: list[Path] = []
        if include_bundled:
            self.roots.append(bundled_knowledge_dir())
        self.roots.extend(Path(r) for r in (roots or ()))
        self.problems: list[KnowledgeProblem] = []
        self._by_kind: dict[str, dict[str, Entry]] = {}
        self._alias: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._packages: Optional[dict[str, Entry]] = None

    # -- loading -----------------------------------------------------------------
    def _ensure(self, kind: str) -> dict[str, Entry]:
        loaded = self._by_kind.get(kind)
        if loaded is not None:
            return loaded
        with self._lock:
            if kind in self._by_kind:
                return self._by_kind[kind]
            entries: dict[str, Entry] = {}
            aliases: dict[str, str] = {}
            for root in self.roots:
                seen_here: dict[str, str] = {}
                if not root.is_dir():
                    self.problems.append(KnowledgeProblem(str(root), 1, "not a directory"))
                    continue
                for path in iter_files(root, kind):
                    entry, problems = load_file(path)
                    self.problems.extend(problems)
                    if entry is None:
                        continue
                    if entry.kind != kind:
                        self.problems.append(
                            KnowledgeProblem(
                                str(path), 1,
                                f"kind {entry.kind!r} does not belong in folder "
                                f"{FOLDER_OF_KIND[kind]!r}",
                            )
                        )
                        continue
                    key = self._key(entry)
                    if key in seen_here:
                        self.problems.append(
                            KnowledgeProblem(str(path), 1, f"duplicate id {entry.id!r} (also in {seen_here[key]})")
                        )
                        continue
                    seen_here[key] = str(path)
                    entries[key] = entry  # a later root overrides an earlier one
                    for alias in entry.aliases:
                        aliases[_norm(kind, alias) if kind != "flag" else self._flag_key(entry.instruction, alias)] = key
            self._alias[kind] = aliases
            self._by_kind[kind] = entries
            return entries

    @staticmethod
    def _flag_key(instruction: str, name: str) -> str:
        return f"{instruction.upper()}:{name.lower()}"

    def _key(self, entry: Entry) -> str:
        if entry.kind == "flag":
            return self._flag_key(entry.instruction, entry.name)
        return _norm(entry.kind, entry.name)

    def load_all(self) -> list[Entry]:
        """Read every kind (used by validation and by tests)."""
        out: list[Entry] = []
        for kind in FOLDER_OF_KIND:
            out.extend(self._ensure(kind).values())
        return out

    # -- lookups -----------------------------------------------------------------
    def get(self, kind: str, name: str, instruction: str = "") -> Entry | None:
        entries = self._ensure(kind)
        key = self._flag_key(instruction, name) if kind == "flag" else _norm(kind, name)
        found = entries.get(key)
        if found is None:
            alias = self._alias[kind].get(key)
            if alias is not None:
                found = entries.get(alias)
        return found

    def by_id(self, ident: str) -> Entry | None:
        kind, _, rest = ident.partition(":")
        if kind not in FOLDER_OF_KIND:
            return None
        if kind == "flag":
            instruction, _, name = rest.partition(":")
            return self.get("flag", name, instruction)
        return self.get(kind, rest)

    def package(self, name: str) -> Optional[Entry]:
        """The command entry a package installs (``watchdog`` -> ``watchmedo``), or by its own name."""
        entries = self._ensure("command")
        index = self._packages
        if index is None:
            index = {}
            for entry in entries.values():
                for package in entry.packages:
                    index.setdefault(package.lower(), entry)
            self._packages = index
        return index.get(name.lower()) or self.get("command", name)

    def distro_package(self, name: str) -> Optional[Entry]:
        """The ``package`` entry of a distribution package name as written in an install command.

        ``libssl-dev``, ``openssl-dev`` and ``openssl-devel`` find the same entry (its aliases);
        an architecture qualifier (``zlib1g-dev:arm64``) and a version pin (``curl=8.5.0-2``,
        ``tzdata>=2024a``) are ignored.
        """
        base = _PACKAGE_SUFFIX.sub("", name.strip().strip("'\""))
        if not base:
            return None
        return self.get("package", base) or self.get("package", base.lower())

    def all_of(self, kind: str) -> list[Entry]:
        return list(self._ensure(kind).values())

    def flags_of(self, instruction: str) -> list[Entry]:
        prefix = instruction.upper() + ":"
        return [e for k, e in self._ensure("flag").items() if k.startswith(prefix)]


def find_part(parts: dict[str, Part], name: str, *, case_sensitive: bool = True) -> tuple[str, Part] | None:
    """Find a part by its name or one of its aliases."""
    if name in parts:
        return name, parts[name]
    for key, part in parts.items():
        if name in part.aliases:
            return key, part
    if not case_sensitive:
        low = name.lower()
        for key, part in parts.items():
            if key.lower() == low or low in (a.lower() for a in part.aliases):
                return key, part
    return None


__all__ = ["KnowledgeBase", "find_part", "entry_id"]

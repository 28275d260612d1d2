"""Measure how much of what real Dockerfiles name the knowledge base explains, beyond commands.

Four kinds of names, counted by occurrence over the corpus (``../shared/corpus/files``):

* distro packages: operands of ``apt-get``/``apt``/``apk``/``dnf``/``yum``/``microdnf``/``zypper``
  install (``apk add``) in shell-form RUN; version pins (``curl=8.5*``) are cut off, variables
  and file paths are not package names and are skipped. Explained when hover has an entry for
  the package (a ``package`` entry, or a command it installs).
* LABEL keys (``org.opencontainers.image.source``): explained by a ``label`` entry.
* images in ``FROM`` and ``COPY --from``/``RUN --mount from=`` (repository without tag; stage
  names and references made of variables are skipped): explained by an ``image`` entry.
* ENV keys: explained by an ``env`` entry.
* tag words of known images in FROM (``slim`` and ``bookworm`` in ``python:3.13-slim-bookworm``;
  version numbers left out): explained by one of the image entry's variants.

    python bench/knowledge_coverage.py [--corpus DIR ...] [--top N] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from corpus_coverage import files_under  # bench/corpus_coverage.py, run from bench/ or via sys.path

from docksense.analysis import Analysis
from docksense.analysis.images import lookup_image, parse_image
from docksense.analysis.shell import classify
from docksense.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent

# command entry name -> subcommands whose operands are packages
INSTALLERS = {
    "apt-get": {"install"},
    "apt": {"install"},
    "apk": {"add"},
    "dnf": {"install"},
    "yum": {"install"},
    "microdnf": {"install"},
    "zypper": {"install", "in"},
}
_PIN = re.compile(r"(?:=|>=|<=|>|<|~).*$")
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9+._-]*(?::[a-z0-9]+)?")


def package_name(word: str) -> str:
    """The package a word of an install command names, or "" when it is not a plain name."""
    text = word.strip("'\"")
    if not text or "$" in text or "/" in text or text.startswith("-") or text.endswith((".deb", ".rpm", ".apk")):
        return ""
    text = _PIN.sub("", text)
    return text if _PACKAGE_NAME.fullmatch(text) else ""


def _installed_packages(analysis: Analysis, ins, kb: KnowledgeBase):
    for located in analysis.commands(ins):
        if located.source != "shell" or not located.command.words:
            continue
        roles = classify(located.command, kb)
        if not roles or roles[0].role != "command" or roles[0].entry is None:
            continue
        subs = INSTALLERS.get(roles[0].entry.name)
        if not subs:
            continue
        installing = False
        for role in roles[1:]:
            if role.role == "subcommand":
                installing = role.key in subs or role.text in subs
            elif role.role == "operand" and installing:
                name = package_name(role.text)
                if name:
                    yield name


def _stage_names(analysis: Analysis) -> set[str]:
    return {s.name.text.lower() for s in analysis.stages if getattr(s, "name", None)}


def _image_name(raw: str, stages: set[str]) -> str:
    if not raw or "$" in raw or raw.lower() in stages or raw.lower() == "scratch" or raw.isdigit():
        return ""
    ref = parse_image(raw)
    return ref.full_name if ref else ""


def explains_package(kb: KnowledgeBase, name: str) -> bool:
    """True when hover has something to say about this package name."""
    lookup = getattr(kb, "distro_package", None)
    if lookup is not None and lookup(name) is not None:
        return True
    return kb.package(name) is not None


def explains_image(kb: KnowledgeBase, name: str) -> bool:
    ref = parse_image(name)
    if kb.get("image", name) is not None:
        return True
    return ref is not None and not ref.registry and kb.get("image", "library/" + ref.repository) is not None


def _tag_words(kb: KnowledgeBase, raw: str, stages: set[str]):
    """(word, explained) for the non-numeric words of a known image's tag (`slim`, `bookworm`)."""
    if not raw or "$" in raw or raw.lower() in stages:
        return
    ref = parse_image(raw)
    if ref is None or not ref.tag:
        return
    facts = lookup_image(kb, ref)
    if facts.entry is None:
        return
    known = {word for word, _ in facts.variants}
    for word in re.split(r"[-_]", ref.tag):
        if word and not re.fullmatch(r"[\d.]+", word):
            yield f"{facts.entry.name}:{word}", word in known


def measure(paths: list[Path], kb: KnowledgeBase) -> dict:
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("package", "label", "image", "env")}
    tag_words: Counter[str] = Counter()
    tag_words_known: Counter[str] = Counter()
    for path in paths:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        analysis = Analysis(text)
        stages = _stage_names(analysis)
        for ins in analysis.tree.instructions:
            if ins.name == "RUN" and ins.form == "shell":
                counts["package"].update(_installed_packages(analysis, ins, kb))
            elif ins.name == "LABEL":
                counts["label"].update(p.key.strip("'\"") for p in ins.pairs if p.key)
            elif ins.name == "ENV":
                counts["env"].update(p.key for p in ins.pairs if p.key)
            elif ins.name == "FROM" and ins.words:
                name = _image_name(ins.words[0].text, stages)
                if name:
                    counts["image"][name] += 1
                for word, known in _tag_words(kb, ins.words[0].text, stages):
                    tag_words[word] += 1
                    if known:
                        tag_words_known[word] += 1
            if ins.name in ("COPY", "RUN"):
                for flag in ins.flags:
                    value = flag.value or ""
                    if flag.name.lower() == "from":
                        name = _image_name(value, stages)
                    elif flag.name.lower() == "mount":
                        found = re.search(r"(?:^|,)from=([^,]+)", value)
                        name = _image_name(found.group(1), stages) if found else ""
                    else:
                        continue
                    if name:
                        counts["image"][name] += 1
    tests = {
        "package": lambda n: explains_package(kb, n),
        "label": lambda n: kb.get("label", n) is not None if "label" in _kinds() else False,
        "image": lambda n: explains_image(kb, n),
        "env": lambda n: kb.get("env", n) is not None,
    }
    result: dict = {"files": len(paths)}
    for kind, counter in counts.items():
        known = Counter({n: c for n, c in counter.items() if tests[kind](n)})
        total, ok = sum(counter.values()), sum(known.values())
        result[kind] = {
            "occurrences": total,
            "explained": ok,
            "share": ok / total if total else 1.0,
            "distinct": len(counter),
            "top": counter.most_common(250),
            "unexplained": (counter - known).most_common(60),
        }
    total, ok = sum(tag_words.values()), sum(tag_words_known.values())
    result["tag_word"] = {
        "occurrences": total,
        "explained": ok,
        "share": ok / total if total else 1.0,
        "distinct": len(tag_words),
        "top": tag_words.most_common(250),
        "unexplained": (tag_words - tag_words_known).most_common(60),
    }
    return result


def _kinds() -> tuple[str, ...]:
    from docksense.knowledge.models import KINDS

    return KINDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--top", type=int, default=30, help="unexplained names to list per kind")
    args = parser.parse_args()
    folders = args.corpus or [ROOT.parent / "shared" / "corpus" / "files"]
    result = measure(files_under(folders), KnowledgeBase())
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"files: {result['files']}")
    for kind in ("package", "label", "image", "env", "tag_word"):
        r = result[kind]
        print(f"{kind:8} {r['explained']}/{r['occurrences']} occurrences explained = {r['share']:.1%} "
              f"({r['distinct']} distinct)")
        print("   unexplained:", ", ".join(f"{n}({c})" for n, c in r["unexplained"][: args.top]))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())

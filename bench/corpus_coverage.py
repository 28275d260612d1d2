"""Measure how much of what people write inside shell-form RUN the knowledge base explains.

For every shell-form RUN instruction of the corpus (``../shared/corpus/files`` by default),
the shell layer finds the simple commands and classifies their words. Reported:

* command-word share: occurrences whose command has a knowledge entry (hover explains it);
* option share: option occurrences of those commands that hover explains.

    python bench/corpus_coverage.py [--corpus DIR ...] [--top N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from docksense.analysis import Analysis
from docksense.analysis.shell import classify
from docksense.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def files_under(folders: list[Path], templates: bool = False) -> list[Path]:
    """Corpus files; templates (MANIFEST.tsv is_template=1) are not Dockerfiles and are skipped."""
    skip: set[Path] = set()
    for folder in folders:
        manifest = folder.parent / "MANIFEST.tsv"
        if manifest.is_file() and not templates:
            for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
                cols = line.split("\t")
                if len(cols) >= 7 and cols[6] == "1":
                    skip.add((folder.parent / cols[0]).resolve())
    out = []
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            out.extend(p for n in names if (p := Path(dirpath) / n).resolve() not in skip)
    return sorted(out)


def measure(paths: list[Path], kb: KnowledgeBase) -> dict:
    commands: Counter[str] = Counter()
    explained_commands: Counter[str] = Counter()
    options: Counter[tuple[str, str]] = Counter()
    explained_options: Counter[tuple[str, str]] = Counter()
    for path in paths:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        analysis = Analysis(text)
        for ins in analysis.tree.instructions:
            if ins.name != "RUN" or ins.form != "shell":
                continue
            for located in analysis.commands(ins):
                if located.source != "shell" or not located.command.words:
                    continue
                for role in classify(located.command, kb):
                    if role.role == "command":
                        name = role.text
                        commands[name] += 1
                        if role.entry is None:
                            break
                        explained_commands[name] += 1
                    elif role.role == "option":
                        key = (role.entry.name if role.entry else "?", role.text)
                        options[key] += 1
                        if role.part is not None:
                            explained_options[key] += 1
    total_c, ok_c = sum(commands.values()), sum(explained_commands.values())
    total_o, ok_o = sum(options.values()), sum(explained_options.values())
    return {
        "files": len(paths),
        "command_occurrences": total_c,
        "command_explained": ok_c,
        "command_share": ok_c / total_c if total_c else 1.0,
        "distinct_commands": len(commands),
        "option_occurrences": total_o,
        "option_explained": ok_o,
        "option_share": ok_o / total_o if total_o else 1.0,
        "top_commands": commands.most_common(150),
        "unexplained_commands": (commands - explained_commands).most_common(40),
        "unexplained_options": (options - explained_options).most_common(40),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--templates", action="store_true", help="include template files")
    args = parser.parse_args()
    folders = args.corpus or [ROOT.parent / "shared" / "corpus" / "files"]
    result = measure(files_under(folders, args.templates), KnowledgeBase())
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"files: {result['files']}")
    print(f"command words: {result['command_explained']}/{result['command_occurrences']} explained "
          f"= {result['command_share']:.1%} ({result['distinct_commands']} distinct)")
    print(f"options of known commands: {result['option_explained']}/{result['option_occurrences']} explained "
          f"= {result['option_share']:.1%}")
    top = result["top_commands"]
    kb = KnowledgeBase()
    known_top = sum(1 for name, _ in top if kb.get("command", name.rsplit("/", 1)[-1]) is not None)
    print(f"top {len(top)} commands with an entry: {known_top}")
    print("most frequent unexplained commands:", ", ".join(f"{n}({c})" for n, c in result["unexplained_commands"][:25]))
    print("most frequent unexplained options:", ", ".join(f"{a} {o}({c})" for (a, o), c in result["unexplained_options"][:25]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

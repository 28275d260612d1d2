"""A fresh random sample of hard tokens inside RUN instructions of the corpus, hovered and judged.

    python bench/shell_hover_sample.py            # the sample, each token with its hover's first line
    python bench/shell_hover_sample.py --full     # ... and the hover's other lines

How the sample is drawn (fixed seed, so the same sample every time on the same corpus):
every corpus Dockerfile is analysed; in each shell-form or heredoc RUN, every token of these
kinds is a candidate: ``variable`` (a ``$`` reference the shell reads), ``option`` (of a known
command, whose meaning depends on the command and subcommand), ``wrapped`` (a command run by a
wrapper, ``find -exec``, ``xargs`` or an inline ``sh -c``/``su -c`` script), ``subcommand``,
``package`` (an operand of an install subcommand), ``argument`` (any other operand of a known
command), ``redirect``. Per kind a fixed number of candidates is drawn with
``random.Random(SEED)``; the hover is asked at the token's first character + 1.

The verdict of each token is in :data:`VERDICTS` (judged by reading the hover against what the
token does there): ``correct``, ``generic`` (true but not about this use), ``wrong``,
``empty`` (no hover where a user expects text) or ``empty-ok`` (no hover, and none is expected:
a file name of an unknown program). A token without a recorded verdict prints ``?``.
Not a test: corpus-driven, slow, and judged by a person.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

SEED = 20261202
PER_KIND = {"variable": 40, "option": 25, "wrapped": 20, "subcommand": 10, "package": 15, "argument": 20,
            "redirect": 15}


def candidates(path: Path, text: str):
    from docksense.analysis import Analysis
    from docksense.analysis.shell import classify
    from docksense.analysis.shell.runs import run_shell
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    analysis = Analysis(text, path)
    for ins in analysis.tree.instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.name != "RUN" or target.form == "exec":
            continue
        model = run_shell(analysis, ins)
        for ref in model.references:
            if ref.name or ref.ref.kind != "expand":
                # hovered on the name, where a reader points (the `${` has a hover of its own)
                yield "variable", analysis, ref.start, ref.end, ref.name_start if ref.name else ref.start
        for piece, shell in model.pieces:
            for r in shell.script.redirections:
                if r.op in ("<<", "<<-"):
                    continue
                start, end = piece.to_doc(r.start, r.end)
                yield "redirect", analysis, start, end, start + 1
        for located in analysis.commands(ins):
            command = located.command
            if not command.words:
                continue
            roles = classify(command, kb)
            if not roles or roles[0].entry is None:
                continue
            if command.context != "top" or command.wrappers:
                start, end = located.span(roles[0].start, roles[0].end)
                yield "wrapped", analysis, start, end, start + 1
            owner = ""
            for role in roles[1:]:
                start, end = located.span(role.start, role.end)
                at = start + (1 if end - start > 1 else 0)
                if role.role == "subcommand":
                    owner = role.key
                    yield "subcommand", analysis, start, end, at
                elif role.role == "option":
                    yield "option", analysis, start, end, at
                elif role.role == "operand" and "$" not in role.word.raw:
                    kind = "package" if owner in ("install", "add", "i") else "argument"
                    yield kind, analysis, start, end, at


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    from docksense.features.explain import explain_at
    from docksense.features.hover import render
    from docksense.knowledge import KnowledgeBase

    from tests.conftest import CORPUS, corpus_files, read

    if not CORPUS.is_dir():
        sys.exit("the corpus (../shared/corpus) is not beside the repository")
    kb = KnowledgeBase()
    rng = random.Random(SEED)
    files = [p for p in corpus_files() if "/files/" in str(p)]
    rng.shuffle(files)
    pool: dict[str, list] = collections.defaultdict(list)
    for path in files[:400]:
        text = read(path)
        for kind, analysis, start, end, at in candidates(path, text):
            pool[kind].append((path, analysis, start, end, at))
    counts: collections.Counter[str] = collections.Counter()
    for kind, wanted in PER_KIND.items():
        chosen = rng.sample(pool[kind], min(wanted, len(pool[kind])))
        chosen.sort(key=lambda c: (str(c[0]), c[2]))
        print(f"\n## {kind} ({len(chosen)} of {len(pool[kind])} candidates)")
        for path, analysis, start, end, at in chosen:
            token = analysis.text[start:end]
            line_no = analysis.lines.position(start)[0] + 1
            key = f"{path.parent.name}/{path.name}:{line_no}:{token}"
            explanation = explain_at(analysis, kb, at)
            hover = render(explanation).splitlines() if explanation is not None else []
            first = " ".join(line for line in hover[:3] if line)[:200] if hover else "(no hover)"
            verdict = VERDICTS.get(key, "?")
            counts[verdict] += 1
            print(f"- [{verdict}] {key}\n    {first}")
            if args.full and hover:
                for line in hover[3:]:
                    if line and not line.startswith("[Docs]"):
                        print(f"      {line[:200]}")
    total = sum(counts.values())
    print("\n## verdicts")
    for verdict in ("correct", "generic", "wrong", "empty", "empty-ok", "?"):
        if counts[verdict]:
            print(f"{verdict}: {counts[verdict]} ({100 * counts[verdict] / total:.1f}%)")
    print(f"total: {total}")


# Verdicts, by "<folder>/<file>:<line>:<token>" (see the module docstring).
VERDICTS: dict[str, str] = {
}


if __name__ == "__main__":
    main()

"""Benchmark and exact-output check of the shell layer's ``parse_shell`` (not a test).

    python bench/bench_shell.py                      # time parse_shell
    python bench/bench_shell.py --save base.pkl      # also pickle every result
    python bench/bench_shell.py --compare base.pkl   # also compare with a saved run
    python bench/bench_shell.py --large-hover        # hover in a 1.6 MB single-line RUN

The texts are those the analysis hands to ``parse_shell`` for every corpus file (recorded by
wrapping ``docksense.analysis.commands.parse_shell`` while asking for the commands of every
instruction) and for the benchmark's 5,000-line file. For the exact-output check, every text
is also parsed cut at a few places (half-typed input) and with deterministic random edits
made of shell metacharacters, so the tolerant paths are compared too.
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench import big_file, corpus_texts  # noqa: E402


def shell_texts(files: list[str]) -> list[str]:
    import docksense.analysis.commands as commands_module
    from docksense.analysis import Analysis

    recorded: list[str] = []
    original = commands_module.parse_shell

    def recording(text):
        recorded.append(text)
        return original(text)

    commands_module.parse_shell = recording
    try:
        for text in files:
            analysis = Analysis(text)
            for ins in analysis.tree.instructions:
                analysis.commands(ins)
    finally:
        commands_module.parse_shell = original
    return recorded


_NOISE = list(" \t\n\\'\"$`(){}[];&|<>#=-*!@") + ["$(", "${", "<<EOF\n", "\\\n", "((", "))", "case ", " esac",
                                                    "if ", " fi", "sh -c '", "<(", "a=(", "`", "$'"]


def variants(texts: list[str]) -> list[str]:
    """Half-typed and mangled copies of ``texts`` (deterministic)."""
    rng = random.Random(1234)
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for _ in range(3):
            out.append(text[: rng.randrange(len(text) + 1)])
        mangled = list(text)
        for _ in range(1 + len(text) // 200):
            at = rng.randrange(len(mangled) + 1)
            if rng.random() < 0.3 and mangled:
                del mangled[at - 1 : at + rng.randrange(3)]
            else:
                mangled.insert(at, rng.choice(_NOISE))
        out.append("".join(mangled))
    out.append("(" * 300 + ")" * 100)
    out.append("$(" * 200)
    out.append('"$(' * 200)
    out.append("${" * 200)
    out.append("`" * 201)
    return out


def signature(script) -> str:
    """Everything about a result: its repr, the types inside and which words are the same object.

    (A wrapper's words are the same objects in its own command and in the wrapped command's
    ``wrappers``; rules rely on that.)
    """
    seen: dict[int, int] = {}
    shape = []
    for command in script.commands:
        for group in (command.words, command.assignments, command.wrappers, command.redirects):
            shape.append(tuple(seen.setdefault(id(word), len(seen)) for word in group))
            shape.append(tuple(type(v).__name__ for word in group for v in (word.text, word.raw, word.start,
                                                                             word.end, word.quoted,
                                                                             word.has_expansion)))
        shape.append((type(command.start).__name__, type(command.end).__name__, type(command.context).__name__))
    shape.append(tuple(type(v).__name__ for error in script.errors for v in error))
    return repr(script) + "\n" + repr(shape)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save")
    parser.add_argument("--compare")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--impl", help="another shell.py to measure, e.g. from `git show HEAD:...`")
    parser.add_argument("--large-hover", action="store_true",
                        help="time hover in a 1.6 MB single-line RUN (features/explain/large_shell.py)")
    args = parser.parse_args()
    if args.large_hover:
        large_hover()
        return

    if args.impl:
        import importlib.util

        import docksense.analysis  # noqa: F401 - the package its relative imports need

        spec = importlib.util.spec_from_file_location("docksense.analysis._shell_alt", args.impl)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        parse_shell = module.parse_shell
    else:
        from docksense.analysis.shell import parse_shell

    corpus = shell_texts(corpus_texts())
    big = shell_texts([big_file(5000)])
    print(f"corpus: {len(corpus)} texts, {sum(map(len, corpus)) / 1e3:.0f} KB; "
          f"5,000-line file: {len(big)} texts, {sum(map(len, big)) / 1e3:.0f} KB")

    def run(texts):
        return lambda: [parse_shell(t) for t in texts]

    print(f"parse_shell corpus: {best_of(run(corpus), args.repeat):.1f} ms (best of {args.repeat})")
    print(f"parse_shell 5,000-line file: {best_of(run(big), args.repeat):.1f} ms (best of {args.repeat})")

    if not (args.save or args.compare):
        return
    inputs = corpus + big + variants(corpus + big)
    results = [signature(parse_shell(t)) for t in inputs]
    print(f"exact-output set: {len(inputs)} texts")
    if args.save:
        with open(args.save, "wb") as fh:
            pickle.dump((inputs, results), fh)
        print(f"saved to {args.save}")
    if args.compare:
        with open(args.compare, "rb") as fh:
            saved_inputs, saved = pickle.load(fh)
        if saved_inputs != inputs:
            print("WARNING: the input set differs from the saved one; comparing the saved inputs")
            results = [signature(parse_shell(t)) for t in saved_inputs]
        diffs = [i for i, (a, b) in enumerate(zip(saved, results)) if a != b]
        if not diffs and len(saved) == len(results):
            print(f"IDENTICAL: {len(saved)} results")
            return
        print(f"DIFFERENT: {len(diffs)} of {len(saved)} results")
        for i in diffs[:5]:
            a, b = saved[i], results[i]
            at = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            print(f"- input {i}: {saved_inputs[i][:120]!r}")
            print(f"  saved: ...{a[max(0, at - 150) : at + 150]}")
            print(f"  now:   ...{b[max(0, at - 150) : at + 150]}")
        sys.exit(1)


def large_hover(size: int = 1_600_000) -> None:
    """Hover at three places of a 1.6 MB single-line RUN, each on a fresh document version
    (the knowledge base is loaded first, as a running server has it)."""
    from docksense.analysis import Analysis
    from docksense.features.explain import explain_at
    from docksense.features.explain.large_shell import NOT_LARGE, explain_large_shell_at
    from docksense.features.hover import render
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    unit = ('apt-get install -y --no-install-recommends curl "$x" 2>&1 >/dev/null && x="$(ls | awk \'{print $1}\')" '
            "&& find . -exec sh -c 'echo \"$1\"' _ {} \\; && ")
    explain_at(Analysis("FROM debian\nRUN " + unit * 3 + "true\n"), kb, 20)  # loads the knowledge base
    text = "FROM debian\nRUN " + unit * (size // len(unit)) + "true\n"
    print(f"{len(text) / 1e6:.2f} MB in one RUN line")
    for name, at in (("middle", text.index("-y", len(text) // 2) + 1), ("end", text.rindex("$1") + 1),
                     ("start", text.index('"$x"') + 2)):
        analysis = Analysis(text)
        started = time.perf_counter()
        found = explain_large_shell_at(analysis, kb, at)
        elapsed = time.perf_counter() - started
        first = render(found).splitlines()[0] if found not in (None, NOT_LARGE) else repr(found)
        print(f"hover at the {name}: {elapsed * 1000:.0f} ms  {first}")


if __name__ == "__main__":
    main()

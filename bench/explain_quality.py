"""How good are the line explanations? Figures for issue 9's closing note (not a test).

    python bench/explain_quality.py            # seed + corpus + output size
    python bench/explain_quality.py --big      # also `explain` on a ~14 MB file (time, memory)

1. Seed: for every instruction of the seed's three Dockerfiles (the voting app's vote, result
   and worker files), does its Purpose + Why carry what the seed's Purpose and Why say about
   that line (SEED_FACTS below, corrected where the seed is out of date)?
2. Corpus: the share of instruction purposes that name something from their own line (a
   command, package, path, port, key, image or stage written on it), and the number of
   purposes shared by two instructions with different text in one file (must be 0).
3. Output size: `explain` Markdown length over input length, per corpus file.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
CORPUS = ROOT.parent / "shared" / "corpus"
VOTING = CORPUS / "files" / "dockersamples__example-voting-app"

# line -> facts the line's Purpose + Why must mention (case-insensitive); a tuple means "any of".
SEED_FACTS: dict[str, dict[int, list]] = {
    "vote__Dockerfile": {
        2: ["python", "3.11", "slim", "small"],
        5: ["curl", "health", "--no-install-recommends", "lists"],
        10: ["/usr/local/app", "working directory", "relative paths"],
        13: ["requirements.txt", "cache"],
        14: ["requirements.txt", "--no-cache-dir", "cache"],
        17: ["dev", "base", "watch"],
        18: ["watchdog", "change"],
        19: ["FLASK_ENV", "development", "FLASK_DEBUG"],
        20: ["python", "app.py", "dev"],
        23: ["final", "base", ("production", "default")],
        26: [("build context", "code"), "/usr/local/app"],
        29: ["80", "publish"],
        32: ["gunicorn", "0.0.0.0:80", "4", "worker", "keep-alive", "log"],
    },
    "result__Dockerfile": {
        1: ["node", "18", "slim", "small", "end of life"],
        4: ["curl", "tini", "lists", "signal", "zombie", "health"],
        8: ["/usr/local/app", "working directory"],
        11: ["nodemon", "global", "restart"],
        13: ["package.json", "package-lock.json", "cache"],
        15: ["npm ci", "package-lock.json", "cache", "/node_modules"],
        19: [("build context", "code"), "/usr/local/app"],
        21: ["PORT", "80"],
        22: ["80", "publish"],
        24: ["tini", "signal", "zombie", "node server.js"],
        25: ["node", "server.js"],
    },
    "worker__Dockerfile": {
        11: ["sdk", "7.0", ("build machine", "buildplatform"), "end of life"],
        12: ["TARGETPLATFORM"],
        13: ["TARGETARCH"],
        14: ["BUILDPLATFORM"],
        15: ["BUILDPLATFORM", "TARGETPLATFORM"],
        17: ["/source", "working directory"],
        18: ["csproj", "cache"],
        19: ["NuGet", "TARGETARCH"],
        21: [("build context", "code"), "/source"],
        22: ["release", "/app", "TARGETARCH", "runtime", "restore"],
        25: ["runtime", "7.0", "SDK", "end of life"],
        26: ["/app", "working directory"],
        27: ["build", "/app"],
        28: ["dotnet", "Worker.dll"],
    },
}


def missing_facts(text: str, facts: list) -> list[str]:
    low = text.lower()
    out = []
    for fact in facts:
        options = fact if isinstance(fact, tuple) else (fact,)
        if not any(option.lower() in low for option in options):
            out.append(" / ".join(options))
    return out


def seed_report() -> tuple[int, int, list[str]]:
    from docksense.analysis import Analysis
    from docksense.features import markdown as md
    from docksense.features.explain.line import iter_lines
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    carried = total = 0
    misses = []
    for name, table in SEED_FACTS.items():
        analysis = Analysis((VOTING / name).read_text())
        for ins, line in iter_lines(analysis, kb):
            facts = table.get(line.line)
            if facts is None:
                continue
            total += 1
            missing = missing_facts(md.plain(line.purpose + " " + line.why), facts)
            if missing:
                misses.append(f"{name}:{line.line} missing {missing}")
            else:
                carried += 1
    return carried, total, misses


_SKIP = re.compile(r"^(?:-.*|&&|\|\||[;|&\\]+|\d|[a-z])$", re.IGNORECASE)


def own_words(analysis, ins) -> set[str]:
    """Things written on the line that a purpose can name: commands, packages, paths, ports,
    keys, images, stages (options and shell punctuation left out)."""
    text = analysis.text[ins.start:ins.end]
    words = set()
    for raw in re.split(r"[\s\"'\[\],=;|&()`{}]+", text):
        if raw in (".", "./"):
            words.add(".")
            continue
        raw = raw.strip(".:\\")
        if len(raw) < 2 or _SKIP.match(raw) or raw.upper() == ins.name:
            continue
        words.add(raw.lower())
        if "/" in raw:
            words.add(raw.rstrip("/").rsplit("/", 1)[-1].lower())
    return {w for w in words if len(w) >= 2 or w == "."}


def names_own(purpose: str, words: set[str]) -> bool:
    low = purpose.lower()
    return any(word in low for word in words) or ("." in words and "build context" in low)


def corpus_report(files: list[Path]) -> dict:
    from docksense.analysis import Analysis
    from docksense.features import markdown as md
    from docksense.features.explain.line import iter_lines
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    total = named = 0
    repeats = 0
    repeat_examples = []
    unnamed_examples = []
    for path in files:
        analysis = Analysis(path.read_bytes().decode("utf-8", "surrogateescape"))
        seen: dict[str, str] = {}
        for ins, line in iter_lines(analysis, kb):
            if ins.name not in INSTRUCTIONS:
                continue  # not an instruction (a template's markup): nothing to explain
            purpose = md.plain(line.purpose)
            source = " ".join(analysis.text[ins.start:ins.end].split())
            total += 1
            if names_own(purpose, own_words(analysis, ins)):
                named += 1
            elif len(unnamed_examples) < 15:
                unnamed_examples.append(f"{path.name}: {source[:80]} -> {purpose[:100]}")
            owner = seen.get(purpose)
            if owner is not None and owner != source:
                repeats += 1
                if len(repeat_examples) < 10:
                    repeat_examples.append(f"{path}: {purpose[:100]}")
            seen.setdefault(purpose, source)
    return {"total": total, "named": named, "repeats": repeats, "repeat_examples": repeat_examples,
            "unnamed_examples": unnamed_examples}


INSTRUCTIONS = frozenset({"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
                          "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"})


def real_files() -> list[Path]:
    """The corpus's real Dockerfiles (MANIFEST.tsv), templates left out."""
    out = []
    for row in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) >= 7 and fields[6] == "0":
            out.append(CORPUS / fields[0])
    return sorted(p for p in out if p.is_file())


def size_report(files: list[Path]) -> dict:
    from docksense.analysis import Analysis
    from docksense.explain_command import explain_markdown
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    ratios = []
    total_in = total_out = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        if not text.strip():
            continue
        out = explain_markdown(Analysis(text), kb, path.name)
        ratios.append(len(out) / max(1, len(text)))
        total_in += len(text)
        total_out += len(out)
    ratios.sort()
    return {"files": len(ratios), "median": statistics.median(ratios),
            "p90": ratios[int(len(ratios) * 0.9)], "within_3x": sum(r <= 3 for r in ratios) / len(ratios),
            "overall": total_out / max(1, total_in)}


def big_report(files: list[Path], target: int = 14 * 1024 * 1024) -> dict:
    chunks = []
    size = 0
    while size < target:
        for path in files:
            data = path.read_bytes()
            chunks.append(data)
            size += len(data) + 1
            if size >= target:
                break
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "Dockerfile"
        big.write_bytes(b"\n".join(chunks))
        start = time.perf_counter()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c",
                               "import resource, sys, runpy; sys.argv=['docksense','explain',sys.argv[1]];"
                               "from docksense.cli import main\n"
                               "try:\n    main()\nexcept SystemExit:\n    pass\n"
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
                               str(big)], capture_output=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "server")})
        elapsed = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        maxrss = int(proc.stderr.decode().strip().splitlines()[-1]) if proc.stderr.strip() else -1
        return {"input_mb": big.stat().st_size / 1e6, "seconds": elapsed, "cpu_seconds": cpu,
                "max_rss_mb": maxrss / 1024,
                "output_mb": len(proc.stdout) / 1e6}


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit("../shared/corpus is not beside the repository")
    carried, total, misses = seed_report()
    print(f"seed: {carried}/{total} instructions carry the seed's facts in Purpose + Why")
    for miss in misses:
        print("   ", miss)
    files = real_files()
    report = corpus_report(files)
    print(f"corpus ({len(files)} real Dockerfiles, templates left out, {report['total']} instructions): "
          f"{report['named'] / report['total']:.1%} of purposes name something from their own line; "
          f"{report['repeats']} purposes repeated across different text in one file")
    for example in report["repeat_examples"]:
        print("    repeat:", example)
    for example in report["unnamed_examples"]:
        print("    unnamed:", example)
    sizes = size_report(files)
    print(f"explain Markdown size / input: {sizes['overall']:.2f}x over the corpus, per file median "
          f"{sizes['median']:.2f}x, p90 {sizes['p90']:.2f}x, "
          f"{sizes['within_3x']:.1%} of {sizes['files']} files within 3x")
    if "--big" in sys.argv:
        big = big_report(files)
        print(f"explain on {big['input_mb']:.1f} MB: {big['seconds']:.1f} s wall, {big['cpu_seconds']:.1f} s CPU, max RSS {big['max_rss_mb']:.0f} MB, "
              f"output {big['output_mb']:.1f} MB")


if __name__ == "__main__":
    main()

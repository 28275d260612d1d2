"""``python -m docksense.knowledge [DIR...]``: validate the knowledge base and user packs.

Prints each problem as ``file:line: message`` and a count per kind; exits 1 on problems.
Also checks that every ``see_also`` id resolves.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from .base import KnowledgeBase


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    kb = KnowledgeBase([Path(a) for a in args])
    entries = kb.load_all()
    problems = [str(p) for p in kb.problems]
    for entry in entries:
        for ref in entry.see_also:
            if kb.by_id(ref) is None:
                problems.append(f"{entry.source}:1: see_also {ref!r} does not resolve")
    for line in problems:
        print(line)
    counts = Counter(e.kind for e in entries)
    print(", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "no entries")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

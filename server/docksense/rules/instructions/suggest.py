"""BuildKit's "did you mean" (util/suggest): Levenshtein distance below 3, case kept.

Only an unknown word reaches it, and options whose length differs by 3 or more are skipped
before any distance is computed (the distance is at least the length difference)."""

from __future__ import annotations

from typing import Iterable


def levenshtein(a: str, b: str) -> int:
    """Edit distance with unit costs (agext/levenshtein's default, used by util/suggest)."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(value: str, options: Iterable[str], case_sensitive: bool) -> list[str]:
    """The options nearest to ``value`` within distance 2 (util/suggest.Search's threshold).

    BuildKit keeps the first strictly closer option it meets in a Go map, so with ties its
    answer is random; this returns every option at the best distance and callers offer a
    fix only when there is exactly one.
    """
    probe = value if case_sensitive else value.lower()
    best: list[str] = []
    best_distance = 3
    for option in options:
        candidate = option if case_sensitive else option.lower()
        if candidate == probe:
            return []
        if abs(len(candidate) - len(probe)) > best_distance:
            continue  # the distance is at least the length difference: cannot win or tie
        distance = levenshtein(probe, candidate)
        if distance < best_distance:
            best, best_distance = [option], distance
        elif distance == best_distance and best:
            best.append(option)
    return best


def match_case(option: str, original: str) -> str:
    """util/suggest.matchCase: keep the user's all-lower or all-upper spelling."""
    if original == original.lower():
        return option.lower()
    if original == original.upper():
        return option.upper()
    return option

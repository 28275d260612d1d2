"""The lines a line serves, in words: each :class:`...analysis.lines.Link` becomes a short
phrase with its line number ("`tini` is the ENTRYPOINT on line 24")."""

from __future__ import annotations

from ...analysis.lines import Link
from .. import markdown as md
from .phrases import capitalise, join_words


def _lines(numbers: list[int]) -> str:
    numbers = sorted(dict.fromkeys(numbers))
    word = "line" if len(numbers) == 1 else "lines"
    return f"{word} {join_words([str(n) for n in numbers], limit=5)}"


def _used_by(subject: str, links: list[Link]) -> str:
    roles = []
    for link in links:
        name = link.target.name
        if name == "ENTRYPOINT":
            roles.append(f"is the ENTRYPOINT on line {link.line}")
        elif name == "HEALTHCHECK":
            roles.append(f"runs the HEALTHCHECK on line {link.line}")
        elif name == "CMD":
            roles.append(f"is started by the CMD on line {link.line}")
    rest = [l.line for l in links if l.target.name not in ("ENTRYPOINT", "HEALTHCHECK", "CMD")]
    if rest:
        roles.append(f"is used on {_lines(rest)}")
    return f"{md.code(subject)} {join_words(roles)}"


def link_phrases(links: list[Link]) -> list[tuple[int, str]]:
    """``(first line, phrase)`` pairs, links of one kind and subject merged, in line order."""
    groups: dict[tuple[str, str], list[Link]] = {}
    for link in links:
        groups.setdefault((link.kind, link.subject), []).append(link)
    out: list[tuple[int, str]] = []
    for (kind, subject), items in groups.items():
        lines = [l.line for l in items]
        first = items[0]
        phrase = ""
        if kind == "installs-used-by":
            phrase = _used_by(subject, items)
        elif kind == "uses-installed":
            phrase = f"{md.code(subject)} was installed on {_lines(lines)}"
        elif kind == "stage-base-of":
            phrase = f"stage {md.code(subject)} builds on this one ({_lines(lines)})"
        elif kind == "stage-built-on":
            phrase = f"builds on stage {md.code(subject)} ({_lines(lines)})"
        elif kind == "stage-copied-by":
            verb = "copies" if len(set(lines)) == 1 else "copy"
            phrase = f"{_lines(lines)} {verb} files out of this stage"
        elif kind == "copies-from-stage":
            phrase = f"copies out of stage {md.code(subject)} (line {first.line})"
        elif kind == "copies-output-of":
            phrase = f"{md.code(subject)} is written by the {first.target.name} on line {first.line}"
        elif kind == "output-copied-by":
            phrase = f"its output {md.code(subject)} is copied into another stage on {_lines(lines)}"
        elif kind == "sets-read-by":
            phrase = f"{md.code(subject)} is read on {_lines(lines)}"
        elif kind == "reads-set-on":
            phrase = f"{md.code('$' + subject)} is set on {_lines(lines)}"
        elif kind == "port-matches":
            names = join_words(sorted({f"{l.target.name} on line {l.line}" for l in items}))
            phrase = f"port {md.code(subject)} also appears in the {names}"
        elif kind == "manifest-installed-by":
            phrase = f"the install on {_lines(lines)} needs only these files"
        elif kind == "installs-manifest-of":
            phrase = f"installs from the manifest copied on {_lines(lines)}"
        elif kind == "source-copied-after":
            phrase = f"the rest of the source is copied later, on {_lines(lines)}"
        elif kind == "source-after-install":
            phrase = f"comes after the dependency install on {_lines(lines)}"
        elif kind == "entrypoint-gets-args":
            phrase = f"the CMD on {_lines(lines)} supplies its default arguments"
        elif kind == "args-of-entrypoint":
            phrase = f"arguments of the ENTRYPOINT on {_lines(lines)}"
        elif kind == "workdir-used-by":
            phrase = f"relative paths on {_lines(lines)} resolve here"
        elif kind == "in-workdir-of":
            phrase = f"its relative paths resolve against the WORKDIR on line {first.line}"
        if phrase:
            out.append((min(lines), capitalise(phrase)))
    out.sort(key=lambda item: item[0])
    return out

"""``docksense explain``: the seed's walkthrough, generated for any Dockerfile.

Per instruction, like the seed: its text (with the comment above it), **Purpose** (what this
line does here), **Why** (why it is written this way and which lines it serves), the lines it
connects to, the options that matter and the notes that apply. ``--concise`` keeps only
Purpose and Why; ``--format json`` carries the same per instruction (``purpose``, ``why``,
``links``; each keyword's general text once, in the closing ``keywords`` map) with LSP ranges. Output is written
instruction by instruction as it is composed, so a huge file streams in bounded memory.
The exit status is 1 when BuildKit would refuse the file (the ``syntax`` rule family reports an
error: the parser's own problems and every other check of what BuildKit rejects, such as
``ONBUILD ONBUILD`` or an unknown instruction); those problems are listed as ``check`` lists them.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .analysis import Analysis
from .features import markdown as md
from .features.explain import explain_instruction
from .features.explain.line import LineExplanation, iter_lines, unmentioned_links
from .features.positions import to_range
from .knowledge import KnowledgeBase
from .rules import RULES, Finding, RuleConfig, run_rules
from .syntax import Instruction

MAX_DETAILS = 12  # parts listed per instruction in JSON
MAX_LINKS = 24  # links listed per instruction in JSON (``links_total`` says how many there are)


def example_text() -> str:
    return (resources.files("docksense") / "examples" / "Dockerfile").read_text(encoding="utf-8")


def _range(analysis: Analysis, start: int, end: int) -> dict[str, Any]:
    r = to_range(analysis.lines, start, end)
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _source(analysis: Analysis, ins: Instruction) -> str:
    return analysis.text[ins.start:ins.end].replace("\r\n", "\n")


def _parts(analysis: Analysis, kb: KnowledgeBase, ins: Instruction):
    """The keyword's explanation and the parts', without keeping them in the document's memo
    (``explain`` visits each instruction once; keeping them would hold the whole file)."""
    head, parts = explain_instruction(analysis, kb, ins, cache=False)
    return head, parts


# -- JSON ----------------------------------------------------------------------------------------
class _Said:
    """What the JSON output already carried in full, so general text goes out once per document:
    each keyword's general explanation (in the closing ``keywords`` map) and each part's general
    summary (later mentions of the same part carry only what is specific to their line)."""

    LIMIT = 4096  # parts remembered; past it summaries repeat rather than memory growing

    def __init__(self) -> None:
        self.keywords: dict[str, dict[str, str]] = {}
        self.parts: dict[tuple[str, str, str], int] = {}  # -> the line that explained it

    def keyword(self, name: str, head) -> None:
        if name not in self.keywords and not head.empty:
            self.keywords[name] = {"summary": _one_line(head.summary), "purpose": _one_line(head.purpose),
                                   "why": _one_line(head.why), "docs": head.docs}

    def detail(self, analysis: Analysis, part) -> dict[str, Any]:
        """A part's entry: in full the first time; later the same part (same kind, text and
        summary) carries only its line's specifics, and ``see_line`` names where it was explained."""
        key = (part.kind, part.title, part.summary)
        specific = part.specifics[:2]
        out: dict[str, Any] = {"text": analysis.text[part.start:part.end], "kind": part.kind,
                               "range": _range(analysis, part.start, part.end)}
        first = self.parts.get(key)
        if first is not None:
            out["explanation"] = md.plain(_one_line(" ".join(specific)))
            out["see_line"] = first
            return out
        if len(self.parts) < self.LIMIT:
            self.parts[key] = analysis.lines.position(part.start)[0] + 1
        out["explanation"] = md.plain(_one_line(" ".join([part.summary] + specific)))
        out["docs"] = part.docs
        return out


def _instruction_json(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, line: LineExplanation,
                      said: Optional[_Said] = None) -> dict[str, Any]:
    said = said if said is not None else _Said()
    head, parts = _parts(analysis, kb, ins)
    said.keyword(ins.name, head)
    return {
        "range": _range(analysis, ins.start, ins.end),
        "line": line.line,
        "instruction": ins.name,
        "text": _source(analysis, ins),
        "purpose": md.plain(line.purpose),
        "why": md.plain(line.why),
        "links": [{"line": number, "text": md.plain(text)} for number, text in line.links[:MAX_LINKS]],
        **({"links_total": len(line.links)} if len(line.links) > MAX_LINKS else {}),
        "options": [{"option": option, "text": md.plain(text)} for option, text in line.options],
        "notes": [md.plain(n) for n in line.notes],
        "idioms": line.idioms,
        # the keyword's general text is in the closing "keywords" map under this name, once
        "keyword": ins.name if not head.empty else None,
        "specifics": [md.plain(s) for s in head.specifics],
        "details": [said.detail(analysis, p) for p in parts[:MAX_DETAILS]],
    }


def _stages_json(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {"index": s.index, "name": s.name.text if s.name else None,
         "base": s.image.text if s.image else None, "range": _range(analysis, s.instruction.start, s.instruction.end)}
        for s in analysis.stages
    ]


def syntax_problems(analysis: Analysis, kb: KnowledgeBase) -> list[Finding]:
    """What BuildKit refuses in this file: the rules of the ``syntax`` family only (the same
    rules, suppressions and messages as ``check``), errors and warnings, in document order.
    Kept in the document's memo so the listing and the exit status agree."""
    found = analysis.memo.get(_PROBLEMS_MEMO)
    if found is None:
        families = {rule.family: rule.family == SYNTAX_FAMILY for rule in RULES.values()}
        config = RuleConfig(families=families, knowledge=kb, max_document_bytes=None)
        found = sorted((f for f in run_rules(analysis, config) if f.severity in ("error", "warning")),
                       key=lambda f: (f.start, f.end, f.rule))
        analysis.memo[_PROBLEMS_MEMO] = found
    return found  # type: ignore[return-value]


_PROBLEMS_MEMO = "explain.syntax_problems"
SYNTAX_FAMILY = "syntax"


def refused(analysis: Analysis, kb: KnowledgeBase) -> bool:
    """True when BuildKit would refuse the file (a syntax-family error)."""
    return any(f.severity == "error" for f in syntax_problems(analysis, kb))


def _errors_json(analysis: Analysis, kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [{"code": f.rule, "severity": f.severity, "message": f.message, "range": _range(analysis, f.start, f.end)}
            for f in syntax_problems(analysis, kb)]


def explain_json(analysis: Analysis, kb: KnowledgeBase) -> dict[str, Any]:
    """The whole explanation as one object (tests and library use; the CLI streams it)."""
    return json.loads("".join(stream_json(analysis, kb)))


def stream_json(analysis: Analysis, kb: KnowledgeBase, concise: bool = False) -> Iterator[str]:
    """:func:`explain_json` as text, one instruction at a time."""
    yield '{\n  "stages": ' + json.dumps(_stages_json(analysis), ensure_ascii=False) + ',\n  "instructions": ['
    first = True
    said = _Said()
    for ins, line in iter_lines(analysis, kb):
        if concise:
            item: dict[str, Any] = {"range": _range(analysis, ins.start, ins.end), "line": line.line,
                                    "instruction": ins.name, "purpose": md.plain(line.purpose),
                                    "why": md.plain(line.why)}
        else:
            item = _instruction_json(analysis, kb, ins, line, said)
        yield ("\n    " if first else ",\n    ") + json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        first = False
    tail = '\n  ],\n  "errors": ' + json.dumps(_errors_json(analysis, kb), ensure_ascii=False)
    if not concise:
        tail += ',\n  "keywords": ' + json.dumps(said.keywords, ensure_ascii=False)
    yield tail + "\n}\n"


# -- Markdown ------------------------------------------------------------------------------------
def stream_markdown(analysis: Analysis, kb: KnowledgeBase, title: str, concise: bool = False) -> Iterator[str]:
    """The walkthrough, one instruction at a time; ``title`` is Markdown (escaped by the caller)."""
    yield f"# Explained: {title}\n\n"
    current_stage = None
    if analysis.preamble:
        yield "## Before the first stage (global scope)\n\n"
    for ins, line in iter_lines(analysis, kb, with_comment=False, once=True):
        out: list[str] = []
        stage = analysis.stage_of(ins)
        if stage is not current_stage and stage is not None:
            current_stage = stage
            name = f" {md.code(stage.name.text)}" if stage.name else ""
            out += [f"## Stage {stage.index}{name}", ""]  # its base: the FROM right below says it
        block = "\n".join(f"# {c}" for c in _comment_lines(ins)) + ("\n" if ins.comments else "") + _source(analysis, ins)
        out += [md.fenced(block, "dockerfile"), ""]
        if line.purpose:
            out += [f"**Purpose:** {line.purpose}", ""]
        if line.why:
            out += [f"**Why:** {line.why}", ""]
        if not concise:
            links = unmentioned_links(line)
            if links:
                out += ["**Lines:** " + "; ".join(text for _, text in links) + ".", ""]
            stated = line.purpose + " " + line.why
            options = [(o, t) for o, t in line.options if o.split(" ")[0] not in stated]
            if options:
                out += ["**Options:** " + "; ".join(f"{md.code(option)}: {text.rstrip('.')}"
                                                   for option, text in options[:3]) + ".", ""]
            if line.notes:
                out += [f"- ⚠ {note}" for note in line.notes] + [""]
        yield "\n".join(out) + "\n"
    found = syntax_problems(analysis, kb)
    if found:
        problems = ["## Problems", ""]
        for problem in found:
            line, column = analysis.lines.position(problem.start)
            problems.append(f"- line {line + 1}:{column + 1}: {problem.severity} {md.code(problem.rule)}: "
                            f"{md.escape(problem.message)}")
        yield "\n".join(problems) + "\n"


def _comment_lines(ins: Instruction) -> list[str]:
    return list(ins.comments[-6:])


def explain_markdown(analysis: Analysis, kb: KnowledgeBase, title: str, concise: bool = False) -> str:
    return "".join(stream_markdown(analysis, kb, title, concise)).rstrip() + "\n"


# -- the command -----------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    from .cli_io import CliError, read_source, write_stdout
    import sys

    if args.file is None:
        text, title = example_text(), "the bundled example (the seed's Python/Flask Dockerfile)"
    else:
        text, title = read_source(args.file), md.code("<stdin>" if args.file == "-" else args.file)
    roots = []
    for folder in args.knowledge or []:
        if not Path(folder).is_dir():
            raise CliError(f"--knowledge {folder}: not a directory")
        roots.append(Path(folder))
    kb = KnowledgeBase(roots)
    analysis = Analysis(text, Path(args.file) if args.file not in (None, "-") else None)
    concise = bool(getattr(args, "concise", False))
    chunks: Iterator[str]
    if args.format == "json":
        chunks = stream_json(analysis, kb, concise)
    else:
        chunks = stream_markdown(analysis, kb, title, concise)
    for problem in kb.problems:
        print(f"docksense: warning: {problem}", file=sys.stderr)
    _write_all(chunks, write_stdout)
    return 1 if refused(analysis, kb) else 0


def _write_all(chunks: Iterator[str], write: Callable[[str], None], batch: int = 1 << 16) -> None:
    """Write chunks as they come, in batches of about ``batch`` characters."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= batch:
            write("".join(pending))
            pending, size = [], 0
    if pending:
        write("".join(pending))


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("explain", help="explain a Dockerfile line by line (Purpose / Why)")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a Dockerfile, or - for stdin (default: a bundled example)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--concise", action="store_true", help="only Purpose and Why per line")
    parser.add_argument("--knowledge", action="append", metavar="DIR", help="an extra knowledge directory (repeatable)")
    parser.set_defaults(run=run)

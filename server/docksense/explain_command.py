"""``docksense explain``: the seed's walkthrough, generated for any Dockerfile.

Markdown (a heading per stage; per instruction its text, Purpose, Why, the parts that
matter inside it, then notes) or JSON with LSP ranges. The same explanation engine as hover.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .features import markdown as md
from .features.explain import Explanation, explain_instruction
from .features.positions import to_range
from .knowledge import KnowledgeBase
from .syntax import Instruction

MAX_HEAD_NOTES = 2


def example_text() -> str:
    return (resources.files("docksense") / "examples" / "Dockerfile").read_text(encoding="utf-8")


def _range(analysis: Analysis, start: int, end: int) -> dict[str, Any]:
    r = to_range(analysis.lines, start, end)
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _detail_text(part: Explanation) -> str:
    bits = [part.summary] if part.summary else []
    bits += part.specifics[:2]
    return " ".join(_one_line(b) for b in bits)


def _notes(head: Explanation, parts: list[Explanation], with_head_notes: bool = True) -> list[str]:
    notes = []
    for part in parts:
        if part.deprecated:
            notes.append(f"{part.title}: deprecated. {_one_line(part.deprecated)}")
        for specific in part.specifics:
            if "End of life" in specific:
                notes.append(f"{part.title}: {_one_line(md.plain(specific))}")
    if with_head_notes:
        notes += [_one_line(n) for n in head.notes[:MAX_HEAD_NOTES]]
    return notes


def _source(analysis: Analysis, ins: Instruction) -> str:
    return analysis.text[ins.start:ins.end].replace("\r\n", "\n")


def explain_json(analysis: Analysis, kb: KnowledgeBase) -> dict[str, Any]:
    stages = [
        {"index": s.index, "name": s.name.text if s.name else None,
         "base": s.image.text if s.image else None, "range": _range(analysis, s.instruction.start, s.instruction.end)}
        for s in analysis.stages
    ]
    instructions = []
    for ins in analysis.tree.instructions:
        head, parts = explain_instruction(analysis, kb, ins)
        instructions.append({
            "range": _range(analysis, ins.start, ins.end),
            "instruction": ins.name,
            "text": _source(analysis, ins),
            "summary": _one_line(head.summary),
            "purpose": _one_line(head.purpose),
            "why": _one_line(head.why),
            "specifics": [md.plain(s) for s in head.specifics],
            "details": [
                {"text": analysis.text[p.start:p.end], "kind": p.kind, "range": _range(analysis, p.start, p.end),
                 "explanation": md.plain(_detail_text(p)), "docs": p.docs}
                for p in parts
            ],
            "notes": [md.plain(n) for n in _notes(head, parts)],
            "docs": head.docs,
        })
    errors = [
        {"code": p.code, "message": p.message, "range": _range(analysis, p.start, p.end)}
        for p in analysis.tree.errors
    ]
    return {"stages": stages, "instructions": instructions, "errors": errors}


def explain_markdown(analysis: Analysis, kb: KnowledgeBase, title: str) -> str:
    """The walkthrough; ``title`` is Markdown (escape document-derived text before passing it)."""
    out = [f"# Explained: {title}", ""]
    current_stage = None
    noted: set[str] = set()  # an instruction's general pitfalls are shown at its first use only
    if analysis.preamble:
        out += ["## Before the first stage (global scope)", ""]
    for ins in analysis.tree.instructions:
        stage = analysis.stage_of(ins)
        if stage is not current_stage and stage is not None:
            current_stage = stage
            base = stage.image.text if stage.image else "?"
            name = f" {md.code(stage.name.text)}" if stage.name else ""
            out += [f"## Stage {stage.index}{name} (from {md.code(base)})", ""]
        head, parts = explain_instruction(analysis, kb, ins)
        block = "\n".join(f"# {c}" for c in ins.comments) + ("\n" if ins.comments else "") + _source(analysis, ins)
        out += [md.fenced(block, "dockerfile"), ""]
        if head.summary and not head.purpose:
            out += [head.summary, ""]
        if head.purpose:
            out += [f"**Purpose:** {_one_line(head.purpose)}", ""]
        if head.why:
            out += [f"**Why:** {_one_line(head.why)}", ""]
        for specific in head.specifics:
            out.append(f"- {specific}")
        if head.specifics:
            out.append("")
        if parts:
            out += ["**In this instruction:**", ""]
            for part in parts:
                out.append(f"- {md.code(analysis.text[part.start:part.end])}: {_detail_text(part)}")
            out.append("")
        notes = _notes(head, parts, with_head_notes=ins.name not in noted)
        noted.add(ins.name)
        if notes:
            out += ["**Notes:**", ""] + [f"- {n}" for n in notes] + [""]
    if analysis.tree.errors:
        out += ["## Problems", ""]
        for problem in analysis.tree.errors:
            line = analysis.lines.position(problem.start)[0] + 1
            out.append(f"- line {line}: {md.escape(problem.message)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


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
    if args.format == "json":
        output = json.dumps(explain_json(analysis, kb), indent=2, ensure_ascii=False) + "\n"
    else:
        output = explain_markdown(analysis, kb, title)
    for problem in kb.problems:
        print(f"docksense: warning: {problem}", file=sys.stderr)
    write_stdout(output)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("explain", help="explain a Dockerfile part by part (Purpose / Why)")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a Dockerfile, or - for stdin (default: a bundled example)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--knowledge", action="append", metavar="DIR", help="an extra knowledge directory (repeatable)")
    parser.set_defaults(run=run)

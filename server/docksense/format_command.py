"""``docksense format [PATH...] [--check] [--diff]``: the editor's formatter on the command line.

Files are rewritten in place unless ``--check`` (list the files that would change, exit 1 if
any: for CI and pre-commit) or ``--diff`` (print a unified diff, exit 1 if any). ``-`` formats
standard input to standard output. Folders are searched the way ``docksense check`` searches
them. The formatter never changes what BuildKit parses: see :mod:`docksense.features.formatting`.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from .check_discovery import dockerfiles
from .cli_io import CliError, read_source, write_stdout

STDIN = "-"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "format",
        help="format Dockerfiles in place (or --check / --diff)",
        description="Format Dockerfiles: keyword case, one space after keywords and flags, "
        "continuation lines indented relative to their nesting, trailing blanks removed; "
        "heredocs untouched; BuildKit's parse never changes.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); - for stdin")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; list files that would change, exit 1 if any")
    mode.add_argument("--diff", action="store_true", help="write nothing; print a unified diff, exit 1 if any change")
    parser.add_argument("--indent", type=int, default=4, metavar="N", help="continuation indent in columns (default 4)")
    parser.add_argument("--tabs", action="store_true", help="indent continuation lines with tabs")
    parser.add_argument("--keyword-case", choices=("majority", "upper", "lower", "preserve"), default="majority",
                        help="instruction keyword case (default: the file's majority)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .features.formatting import FormatOptions, format_text

    if not 1 <= args.indent <= 16:
        raise CliError("--indent takes a number from 1 to 16")
    options = FormatOptions(tab_size=args.indent, insert_spaces=not args.tabs, keyword_case=args.keyword_case)
    files = dockerfiles(args.paths)
    changed: list[str] = []
    for name in files:
        text = read_source(name)
        formatted = format_text(text, options)
        if formatted == text:
            if name == STDIN and not (args.check or args.diff):
                write_stdout(text)
            continue
        shown = "<stdin>" if name == STDIN else name
        changed.append(shown)
        if args.diff:
            write_stdout("".join(difflib.unified_diff(
                text.splitlines(keepends=True), formatted.splitlines(keepends=True),
                fromfile=f"a/{shown}", tofile=f"b/{shown}",
            )))
        elif args.check:
            print(f"would reformat {shown}", file=sys.stderr)
        elif name == STDIN:
            write_stdout(formatted)
        else:
            _write(name, formatted)
    _summary(args, len(files), changed)
    return 1 if changed and (args.check or args.diff) else 0


def _write(name: str, text: str) -> None:
    try:
        Path(name).write_bytes(text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise CliError(f"{name}: cannot write ({exc.strerror or exc})")


def _summary(args: argparse.Namespace, total: int, changed: list[str]) -> None:
    if total == 1 and changed == ["<stdin>"] and not (args.check or args.diff):
        return  # the formatted text on stdout says it all
    verb = "would be reformatted" if (args.check or args.diff) else "reformatted"
    print(f"{len(changed)} file{'s' if len(changed) != 1 else ''} {verb}, "
          f"{total - len(changed)} left unchanged", file=sys.stderr)

"""``docksense rule NAME``: print a rule's page (what it flags, why, how to fix, how to
silence it). NAME may be a rule name, a hadolint code (DL3008) or a ShellCheck code (SC2086),
in any case; an unknown name is a one-line error with the closest names."""

from __future__ import annotations

import argparse
import difflib


def run(args: argparse.Namespace) -> int:
    from .cli_io import CliError, write_stdout
    from .knowledge import KnowledgeBase
    from .rules import RULES, canonical
    from .rules.docs_page import page, shellcheck_page
    from .rules.shellcheck import is_shellcheck_code

    wanted = args.name.strip()
    name = canonical(wanted) or next((n for n in RULES if n.lower() == wanted.lower()), None)
    if name is None and is_shellcheck_code(wanted.upper()):
        write_stdout(shellcheck_page(wanted.upper()))
        return 0
    if name is None:
        close = difflib.get_close_matches(wanted, list(RULES), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise CliError(f"{wanted}: no such rule{hint}")
    if is_shellcheck_code(name):
        write_stdout(shellcheck_page(name))
        return 0
    try:
        write_stdout(page(name, KnowledgeBase()))
    except LookupError as exc:
        raise CliError(str(exc), status=3)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("rule", help="show a rule's documentation",
                                 description="Print the page of a rule: by name, hadolint code or ShellCheck code.")
    parser.add_argument("name", metavar="NAME", help="a rule name (PipefailMissing), DL3008 or SC2086")
    parser.set_defaults(run=run)

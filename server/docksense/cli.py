"""The ``docksense`` command: ``serve`` | ``parse`` | ``explain`` | ``check``.

Every failure is one line on stderr and a non-zero exit status (2 for bad usage or an
unreadable file, 1 for a Dockerfile that BuildKit would refuse); never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import __version__
from .cli_io import CliError, read_source, write_stdout  # noqa: F401 - re-exported


# -- serve -------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    level = getattr(logging, str(args.log_level).upper(), None)
    if not isinstance(level, int):
        raise CliError(f"--log-level: unknown level {args.log_level!r}")
    handler: logging.Handler
    if args.log_file:
        try:
            handler = logging.FileHandler(args.log_file, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"--log-file {args.log_file}: {exc.strerror or exc}")
    else:
        handler = logging.StreamHandler(sys.stderr)  # never stdout: that is the LSP channel
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

    from .server import server

    if args.tcp:
        host, sep, port = args.tcp.rpartition(":")
        if not sep or not port.isdigit():
            raise CliError("--tcp takes HOST:PORT")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0


# -- parse -------------------------------------------------------------------------
def cmd_parse(args: argparse.Namespace) -> int:
    from .syntax import LineIndex, parse
    from .syntax.dump import dump

    text = read_source(args.file)
    tree = parse(text)
    errors = tree.errors
    if errors:
        first = errors[0]
        line = LineIndex(text).position(first.start)[0] + 1
        name = "<stdin>" if args.file == "-" else args.file
        raise CliError(f"{name}:{line}: {first.message}", status=1)
    write_stdout(dump(tree))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (``docksense: ...``) and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"docksense: {message} (see '{self.prog} --help')\n")


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The command line; ``subcommands=False`` leaves out the commands that live in their own
    modules (``check`` imports every rule): ``serve`` answers ``initialize`` sooner without them."""
    parser = _Parser(
        prog="docksense",
        description="A Dockerfile language server that explains every part of a Dockerfile.",
    )
    parser.add_argument("--version", action="version", version=f"docksense {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for editors)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (for debugging)")
    serve.add_argument("--log-file", metavar="FILE", help="write logs to FILE (default: stderr)")
    serve.add_argument("--log-level", default="WARNING", metavar="LEVEL", help="DEBUG, INFO, WARNING (default), ERROR")
    serve.set_defaults(run=cmd_serve)

    parse = commands.add_parser("parse", help="print BuildKit's AST dump of a Dockerfile")
    parse.add_argument("file", metavar="FILE", help="a Dockerfile, or - for stdin")
    parse.set_defaults(run=cmd_parse)

    if subcommands:
        _register_subcommands(commands)
    return parser


# Subcommands that live in their own modules, each with a ``register(commands)`` function.
# Imported only when the parser is built, so ``serve`` does not pay for them.
_SUBCOMMAND_MODULES: tuple[str, ...] = ("explain_command", "check_command", "format_command", "rule_command")


def _register_subcommands(commands: argparse._SubParsersAction) -> None:
    import importlib

    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(f".{name}", __package__).register(commands)


def _settle_garbage_collector() -> None:
    """The modules loaded so far live as long as the command: keep them out of collections,
    and collect young objects less often. An analysis allocates millions of objects on a
    large file, and with the defaults the cyclic collector took almost half of the time of
    ``check`` on a 10 MB Dockerfile."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _one_line(text: object, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class _OneLineLog(logging.Handler):
    """Log records as one line each on stderr, never a traceback; remembers whether any
    record reported an internal failure (a logged exception), which makes the exit status 3:
    a command whose rules or analyses broke did not check everything and must not say so."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = _one_line(record.getMessage())
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                self.failures.append(f"{message} ({exc.__class__.__name__}: {_one_line(exc, 160)})")
                return  # summed up in one line when the command ends
            elif record.levelno >= logging.ERROR:
                message = f"error: {message}"
            else:
                message = f"warning: {message}"
            print(f"docksense: {message}", file=sys.stderr)
        except Exception:  # logging must never be the thing that fails
            pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command. Exit status: 0 success, 1 findings/refusals, 2 usage or unreadable
    input, 3 an internal error (a bug), always reported in one line, never a traceback."""
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(subcommands=not (words[:1] == ["serve"] and "--help" not in words and "-h" not in words))
    except Exception as exc:  # a broken subcommand module is a bug, still one line
        print(f"docksense: internal error: {exc.__class__.__name__}: {_one_line(exc)}", file=sys.stderr)
        return 3
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a one-line usage error
        return int(exc.code or 0) if exc.code in (0, None) else 2
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    if args.run is not cmd_serve:  # the server settles its collector once warmed up
        _settle_garbage_collector()
    log_handler = _OneLineLog()
    root = logging.getLogger()
    root.handlers[:] = [log_handler]  # ``serve`` installs its own handler in place of this one
    try:
        status = int(args.run(args) or 0)
    except CliError as exc:
        print(f"docksense: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug (RecursionError, MemoryError included): one line, no traceback
        print(f"docksense: internal error: {exc.__class__.__name__}: {_one_line(exc)}", file=sys.stderr)
        return 3
    if log_handler.failures and status in (0, 1):
        failures = log_handler.failures
        more = f" and {len(failures) - 1} more" if len(failures) > 1 else ""
        print(f"docksense: internal error: {failures[0]}{more}; the result is incomplete, "
              "please report this file", file=sys.stderr)
        return 3
    return status


if __name__ == "__main__":
    sys.exit(main())

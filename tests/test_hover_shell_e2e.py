"""Hover on the shell inside RUN, through the real server over stdio: one small Dockerfile per
situation of issue 15 (variables the shell sets, awk fields, flag variables, find -exec,
escaped scripts, redirections, nested subcommands, positional parameters, literal dollars)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_helpers import SERVER, open_doc

# name -> (Dockerfile, [(needle, nth occurrence, offset into needle, must contain, must not contain)])
CASES = {
    "variables the shell sets": (
        ("FROM debian:bookworm\n"
        "ENV GPG_KEYS=\"A1 B2\"\n"
        "RUN aspnetcore_version=8.0.1 \\\n"
        " && savedAptMark=\"$(apt-mark showmanual)\" \\\n"
        " && apt-mark manual $savedAptMark \\\n"
        " && for key in $GPG_KEYS; do gpg --recv-keys \"$key\"; done \\\n"
        " && tempDir=\"$(mktemp -d)\" && cd \"$tempDir\" \\\n"
        " && curl -o a.tgz https://x/$aspnetcore_version.tgz\n"),
        [
            ("$savedAptMark", 0, 2, ["shell variable", "line 4", "the output of `apt-mark showmanual`"],
             ["Not set by this Dockerfile"]),
            ('"$key"', 0, 2, ["loop variable", "line 6", "`$GPG_KEYS`"], ["Not set by this Dockerfile"]),
            ('"$tempDir"', 0, 2, ["line 7", "`mktemp -d`"], ["Not set by this Dockerfile"]),
            ("$aspnetcore_version", 0, 2, ["line 3", "Value here: `8.0.1`"], ["Not set by this Dockerfile"]),
            ("$GPG_KEYS", 0, 2, ["ENV on line 2"], []),
            ("savedAptMark=", 0, 1, ["shell variable", "Read on line 5"], []),
        ],
    ),
    "a variable set in the branches of a case": (
        ("FROM alpine\nRUN case \"$(apk --print-arch)\" in \\\n  x86_64) URL=a ;; \\\n  aarch64) URL=b ;; \\\n"
        " esac; wget \"$URL\"\n"),
        [('"$URL"', 0, 2, ["lines 3, 4", "depends on the branch taken"], ["Value here"])],
    ),
    "a variable from an earlier RUN": (
        "FROM alpine\nRUN tmp=\"$(mktemp -d)\"\nRUN cd \"$tmp\"\n",
        [('"$tmp"', 0, 2, ["Set by the RUN on line 2", "new shell", "empty here"], [])],
    ),
    "awk fields inside a command substitution": (
        "FROM debian\nRUN x=\"$(dpkg -l | awk '{print $1}')\" && echo \"$x\"\n",
        [
            ("$1", 0, 1, ["awk", "single quotes", "field 1"], ["shell variable", "Not set by this Dockerfile"]),
            ('"$x"', 0, 2, ["shell variable", "line 2"], []),
        ],
    ),
    "variables in RUN flags": (
        "FROM golang\nARG TARGETNAME=app\nRUN --mount=type=cache,id=lint-${TARGETNAME},target=/root/.cache go vet ./...\n",
        [("TARGETNAME}", 0, 1, ["Expanded by the builder", "line 2"], ["Expanded by the shell"])],
    ),
    "find -exec runs a command of its own": (
        ("FROM debian\n"
        "RUN find /etc -name '*.conf' -exec grep -o foo {} \\; \\\n"
        " && find /src -type l -exec cp -L {} /dst \\; \\\n"
        " && find /src -name '*.py' -exec sh -c 'python -m py_compile \"$1\"' _ {} \\;\n"),
        [
            ("grep -o", 0, 1, ["`grep`", "command"], ["value of -exec"]),
            ("-o foo", 0, 1, ["option of grep"], ["OR"]),
            ("-L {}", 0, 1, ["option of cp"], ["option of find"]),
            ("{} \\;", 0, 0, ["placeholder of find -exec"], []),
            ("\\;", 0, 1, ["Ends the command -exec runs"], []),
            ("python -m", 0, 1, ["`python`"], ["value of -exec"]),
            ('"$1"', 0, 2, ["positional parameter", "`{}`"], []),
        ],
    ),
    "escaped scripts": (
        ("FROM postgres\n"
        "RUN x=1; su postgres -c \"pg_ctl -D \\\"$PGDATA\\\" -w start && echo \\$HOME \\\"$x\\\"\"\n"),
        [
            ("pg_ctl", 0, 1, ["script run by su -c", "a shell of its own"], ["value of -c"]),
            ("echo \\$HOME", 0, 1, ["`echo`", "command"], ["value of -c"]),
            ("$HOME", 0, 2, ["HOME"], ["value of -c"]),
            ('$x\\"', 0, 1, ["shell variable", "line 2"], []),
        ],
    ),
    "redirections": (
        "FROM debian\nRUN make 2>&1 > /dev/null && echo x >> /etc/hosts && cat <<< \"$v\"\n",
        [
            ("2>&1", 0, 1, ["standard error", "standard output"], []),
            ("> /dev/null", 0, 0, ["Discards standard output"], []),
            (">> /etc", 0, 0, ["Appends standard output", "/etc/hosts"], []),
            ("<<<", 0, 1, ["here-string", "dash"], []),
        ],
    ),
    "test operators, '-' and '.'": (
        "FROM debian\nRUN [ \"$(uname -m)\" != x86_64 ] && [ ! -d /x ] && sha256sum -c - < sums && dpkg-scanpackages . > P\n",
        [
            ("!=", 0, 1, ["operator of test", "inequality"], []),
            ("! -d", 0, 0, ["Negates"], []),
            ("/x ]", 0, 3, ["Closes the expression"], []),
            ("- <", 0, 0, ["standard input"], []),
            (". >", 0, 0, ["current directory", "WORKDIR"], []),
        ],
    ),
    "subcommands at any depth": (
        ("FROM mcr.microsoft.com/dotnet/sdk\n"
        "RUN go mod download && dotnet tool install -g dotnet-ef && npm run build \\\n"
        " && git remote add origin https://example.com/r.git\n"),
        [
            ("download", 0, 1, ["subcommand of go mod"], []),
            ("install", 0, 1, ["subcommand of dotnet tool"], []),
            ("-g", 0, 1, ["option of dotnet tool install"], []),
            ("build", 0, 1, ["argument of npm run", "package.json"], []),
            ("add origin", 0, 1, ["subcommand of git remote"], []),
        ],
    ),
    "package names": (
        "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends gnupg ca-certificates\n",
        [("gnupg", 0, 1, ["gnupg"], []), ("ca-certificates", 0, 1, ["ca-certificates"], [])],
    ),
    "positional parameters": (
        "FROM alpine\nRUN sh -c 'echo \"$1 and $0\"' myname first && f() { echo \"$1\"; } && echo \"$1\"\n",
        [
            ("$1 and", 0, 1, ["positional parameter", "Value here: `first`"], []),
            ("$0\"", 0, 1, ["first word after the script"], []),
            ("$1\"; }", 0, 1, ["function `f`"], []),
            ('$1"\n', 0, 1, ["RUN passes no arguments"], []),
        ],
    ),
    "escaped literal dollars": (
        "FROM debian\nRUN ./configure LDFLAGS=-Wl,-rpath='\\$\\$ORIGIN/../lib' && echo \\$PATH\n",
        [
            ("\\$\\$", 0, 1, ["single quotes", "`configure`"], []),
            ("\\$PATH", 0, 1, ["escaped dollar sign", "literal"], []),
        ],
    ),
    "optional option values": (
        "FROM mcr.microsoft.com/dotnet/sdk\nRUN dotnet publish --self-contained false -o /app\n",
        [("false", 0, 1, ["value of --self-contained", "framework-dependent"], [])],
    ),
    "option families and operands a command describes": (
        ("FROM php:8.3-fpm\n"
        "RUN ./configure --with-iconv && locale-gen en_US.UTF-8 && docker-php-ext-enable sodium\n"),
        [
            ("--with-iconv", 0, 3, ["--with-iconv (--with-*)", "option of configure"], []),
            ("en_US", 0, 1, ["argument of locale-gen", "/etc/locale.gen"], []),
            ("sodium", 0, 1, ["argument of docker-php-ext-enable", "already enable"], []),
        ],
    ),
    "shell operators": (
        ("FROM debian\n"
        "RUN set -eux; curl -fsSL https://example.com/i.sh | sh - && make || true \\\n"
        " && dpkg -l | grep x >/dev/null 2>&1\n"),
        [
            ("| sh", 0, 0, ["pipe", "downloaded text", "Risk", "`curl` does not fail the RUN"], []),
            ("&& make", 0, 0, ["Runs `make` only if"], []),
            ("||", 0, 1, ["ignores any failure of `make`"], []),
            ("; curl", 0, 0, ["`set -e` is on here"], []),
            ("| grep", 0, 0, ["`dpkg` becomes the standard input of `grep`"], ["Risk"]),
            (">/dev/null", 0, 1, ["Discards standard output"], []),
        ],
    ),
}

URI = "file:///tmp/docksense-hover-shell/{}/Dockerfile"


def pos(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    # A generous time budget: on a loaded machine the first hover (knowledge base loading) may
    # take longer than the default 2 s, and an overrun is answered with no hover.
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"limits": {"requestBudgetMs": 60000}}))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.parametrize("case", list(CASES))
async def test_shell_hover(client: LanguageClient, case):
    text, checks = CASES[case]
    uri = URI.format(case.replace(" ", "-"))
    open_doc(client, uri, text)
    failures = []
    for needle, nth, delta, wanted, unwanted in checks:
        result = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(text, needle, nth, delta)))
        value = result.contents.value if result else ""
        missing = [w for w in wanted if w not in value]
        present = [u for u in unwanted if u in value]
        if missing or present or not value:
            failures.append((needle, missing, present, value[:400]))
    assert failures == []

"""Signature help, unit level: the active form and the active parameter at each place."""

from __future__ import annotations

import pytest
from docksense.analysis.document import Analysis
from docksense.features.signature_help import signature_help
from docksense.knowledge import KnowledgeBase
from lsprotocol import types

KB = KnowledgeBase()


def at(source: str, markdown: bool = True):
    offset = source.index("|")
    text = source.replace("|", "", 1)
    analysis = Analysis(text)
    line, character = analysis.lines.position(offset)
    return signature_help(analysis, KB, types.Position(line, character), "utf-16", markdown)


def active(source: str) -> tuple[str, str | None]:
    help_ = at(source)
    assert help_ is not None, source
    signature = help_.signatures[help_.active_signature]
    index = help_.active_parameter
    parameter = signature.parameters[index].label if index is not None and signature.parameters else None
    return signature.label, parameter


# (probe, text the active signature starts with, active parameter)
CASES = [
    ("FROM |", "FROM [--platform", "<image>[:<tag>|@<digest>]"),
    ("FROM python AS |", "FROM [--platform", "[AS <name>]"),
    ("FROM --platform=linux/amd64 alpine|", "FROM [--platform", "<image>[:<tag>|@<digest>]"),
    ("FROM a\nRUN apt-get update|", "RUN [--mount=<mount>]", "<command>"),
    ("FROM a\nRUN --network=none ls|", "RUN [--mount=<mount>]", "<command>"),
    ('FROM a\nRUN ["echo", |', 'RUN [--mount=<mount>]', '"<param1>",'),
    ("FROM a\nRUN <<EOF|\necho\nEOF\n", "RUN [--mount=<mount>]", "<script>"),
    ('FROM a\nCMD ["node", "server.js|"]', 'CMD ["<executable>",', '"<param1>",'),
    ('FROM a\nCMD ["no|de"]', 'CMD ["<executable>",', '["<executable>",'),
    ("FROM a\nCMD node server.js|", "CMD <command>", "<command>"),
    ('FROM a\nENTRYPOINT ["tini", "--", "x|"]', 'ENTRYPOINT ["<executable>",', '"<param2>"]'),
    ('FROM a\nSHELL ["/bin/bash", "-c|"]', 'SHELL ["<executable>",', '"<param1>",'),
    ("FROM a\nCOPY src/ |", "COPY [--from", "<src>..."),
    ("FROM a\nCOPY src/ /app|", "COPY [--from", "<dest>"),
    ("FROM a\nCOPY --chown=1000|:1000 a b", "COPY [--from", "[--chown=<user>:<group>]"),
    ("FROM a\nHEALTHCHECK CMD curl -f http://localhost/|", "HEALTHCHECK [--interval", "<command>"),
    ("FROM a\nHEALTHCHECK NONE|", "HEALTHCHECK NONE", None),
    ("FROM a\nENV A=1|", "ENV <key>=<value>", "<key>=<value>"),
    ("FROM a\nEXPOSE 80|", "EXPOSE", "<port>[/<protocol>]"),
    # flag values get their own signature
    ("FROM a\nHEALTHCHECK --interval=|", "--interval=<duration>", "<duration>"),
    ("FROM a\nRUN --network=|", "--network=<default|none|host>", "<default|none|host>"),
    ("FROM a AS b\nFROM c\nCOPY --from=|", "--from=<stage name", "<stage name|stage index|image|named context>"),
    ("FROM a\nRUN --mount=type=cache,shar|", "--mount=type=cache,target=<path>", "sharing=<shared|private|locked>"),
    ("FROM a\nRUN --mount=type=cache,target=/root/.cache|", "--mount=type=cache,", "target=<path>"),
    ("FROM a\nRUN --mount=type=secret,id=npmrc,dst=|", "--mount=type=secret,", "target=<path>"),
    ("FROM a\nRUN --mount=type=tmpfs,|", "--mount=type=tmpfs,", "type=tmpfs"),
    # the cursor on a key (not only past its '=') makes that option active
    ("FROM a\nRUN --mount=type=cache,|target=/root/.cache,sharing=locked ls", "--mount=type=cache,", "target=<path>"),
    ("FROM a\nRUN --mount=type=cache,tar|get=/root/.cache,sharing=locked ls", "--mount=type=cache,", "target=<path>"),
    ("FROM a\nRUN --mount=type=cache,target=/root/.cache,s|haring=locked ls", "--mount=type=cache,",
     "sharing=<shared|private|locked>"),
    ("FROM a\nRUN --mount=type=cache,target=/root/.cache,sharing|=locked ls", "--mount=type=cache,",
     "sharing=<shared|private|locked>"),
    ("FROM a\nRUN --mount=ty|pe=cache,target=/root/.cache ls", "--mount=type=cache,", "type=cache"),
    ("FROM --platform=|", "--platform=<os>/<arch>", "<os>/<arch>[/<variant>]"),
]


@pytest.mark.parametrize("source,label,parameter", CASES)
def test_active_signature_and_parameter(source, label, parameter):
    got_label, got_parameter = active(source)
    assert got_label.startswith(label)
    assert got_parameter == parameter


def test_every_form_is_listed_with_the_written_one_active():
    help_ = at("FROM a\nRUN <<EOF|\necho\nEOF\n")
    forms = [s.label for s in help_.signatures]
    assert len(forms) == 3 and "<<EOF" in forms[help_.active_signature]


def test_parameter_labels_are_substrings_of_their_signature():
    for source, _, _ in CASES:
        help_ = at(source)
        for signature in help_.signatures:
            for parameter in signature.parameters or []:
                assert parameter.label in signature.label


def test_mount_options_have_documentation_from_the_knowledge_base():
    help_ = at("FROM a\nRUN --mount=type=cache,sharing=|")
    signature = help_.signatures[0]
    sharing = signature.parameters[help_.active_parameter]
    assert "concurrent" in sharing.documentation.value.lower() or "parallel" in sharing.documentation.value.lower()


def test_plain_text_documentation():
    help_ = at("FROM a\nRUN --network=|", markdown=False)
    assert help_.signatures[0].documentation.kind == types.MarkupKind.PlainText


def test_nothing_outside_instructions():
    assert at("|") is None
    assert at("# syntax=|\nFROM a") is None
    assert at("FROM a\nRUN <<EOF\necho |\nEOF\n") is None


def test_no_error_at_any_position():
    texts = ["", "\r\n", 'FROM a\r\nRUN --mount=type=cache,target=/x \\\r\n  ls\r\nCMD ["a", "🐳", \r\n',
             "FROM a\nHEALTHCHECK --interval=\nCOPY --from= a b\nRUN ["]
    for text in texts:
        analysis = Analysis(text)
        for line in range(analysis.lines.line_count + 2):
            for character in range(45):
                signature_help(analysis, KB, types.Position(line, character))

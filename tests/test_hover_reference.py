"""Every item of the shared reference has its own hover (instructions, flags, mount types and
options, --network/--security values, directives, predefined ARGs, substitution forms)."""

from __future__ import annotations

import json

import pytest

from docksense.analysis import Analysis
from docksense.features.explain import explain_at
from docksense.knowledge import KnowledgeBase

from .conftest import REFERENCE

pytestmark = pytest.mark.shared  # reads ../shared/reference
_EMPTY_REFERENCE = {"instructions": {"RUN": {"flags": {"--mount": {"types": {}}}}}, "directives": {},
                    "predefined_args": {}, "substitution": []}
REF = json.loads(REFERENCE.read_text(encoding="utf-8")) if REFERENCE.is_file() else _EMPTY_REFERENCE
KB = KnowledgeBase()


def hover_title(text: str, token: str, nth: int = 0) -> tuple[str, str]:
    """(title, kind) of the explanation at the first character of the nth ``token``."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(token, index + 1)
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None, f"no hover on {token!r} in {text!r}"
    assert explanation.summary, token
    return explanation.title, explanation.kind


INSTRUCTION_PROBES = {
    "FROM": "FROM alpine\n", "RUN": "FROM a\nRUN true\n", "CMD": "FROM a\nCMD true\n",
    "LABEL": "FROM a\nLABEL a=b\n", "MAINTAINER": "FROM a\nMAINTAINER me\n", "EXPOSE": "FROM a\nEXPOSE 80\n",
    "ENV": "FROM a\nENV A=b\n", "ADD": "FROM a\nADD a /b\n", "COPY": "FROM a\nCOPY a /b\n",
    "ENTRYPOINT": "FROM a\nENTRYPOINT [\"x\"]\n", "VOLUME": "FROM a\nVOLUME /data\n", "USER": "FROM a\nUSER app\n",
    "WORKDIR": "FROM a\nWORKDIR /app\n", "ARG": "ARG A\nFROM a\n", "ONBUILD": "FROM a\nONBUILD RUN true\n",
    "STOPSIGNAL": "FROM a\nSTOPSIGNAL SIGTERM\n", "HEALTHCHECK": "FROM a\nHEALTHCHECK NONE\n",
    "SHELL": "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\n",
}


@pytest.mark.parametrize("name", list(REF["instructions"]))
def test_instruction_hover(name):
    text = INSTRUCTION_PROBES[name]
    index = text.rindex(name)
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None and (explanation.title, explanation.kind) == (name, "instruction")


def test_instruction_hover_lowercase_split_and_trigger():
    assert hover_title("FROM a\nrun true\n", "run") == ("RUN", "instruction")
    assert hover_title("FROM a\nRU\\\nN true\n", "N true") == ("RUN", "instruction")
    assert hover_title("FROM a\nONBUILD COPY . /app\n", "COPY") == ("COPY", "instruction")


def _flag_probe(instruction: str, flag: str) -> str:
    values = {"--platform": "linux/amd64", "--mount": "type=cache,target=/x", "--network": "none",
              "--security": "insecure", "--device": "name", "--from": "a", "--chown": "1:1", "--chmod": "755",
              "--link": "true", "--parents": "true", "--exclude": "x", "--keep-git-dir": "true",
              "--checksum": "sha256:0", "--unpack": "true", "--interval": "5s", "--timeout": "3s",
              "--start-period": "1s", "--start-interval": "1s", "--retries": "3"}
    value = values.get(flag, "x")
    body = {"FROM": "alpine", "RUN": "true", "COPY": "a /b", "ADD": "a /b", "HEALTHCHECK": "CMD true"}.get(instruction, "x")
    line = f"{instruction} {flag}={value} {body}\n"
    return line if instruction == "FROM" else "FROM a AS a\n" + line


FLAGS = [(name, flag) for name, spec in REF["instructions"].items() for flag in spec.get("flags", {})]


@pytest.mark.parametrize("instruction,flag", FLAGS)
def test_flag_hover(instruction, flag):
    assert hover_title(_flag_probe(instruction, flag), flag) == (flag, f"flag of {instruction}")


MOUNT_OPTIONS = [
    (mount_type, spelling)
    for mount_type, spec in REF["instructions"]["RUN"]["flags"]["--mount"]["types"].items()
    for option in spec["options"]
    for spelling in option.split("|")
]


@pytest.mark.parametrize("mount_type,option", MOUNT_OPTIONS)
def test_mount_option_hover(mount_type, option):
    text = f"FROM a\nRUN --mount=type={mount_type},{option}=x true\n"
    index = text.index(f",{option}=") + 1
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None and explanation.title == option
    assert explanation.kind == f"option of a {mount_type} mount"


@pytest.mark.parametrize("mount_type", list(REF["instructions"]["RUN"]["flags"]["--mount"]["types"]))
def test_mount_type_hover(mount_type):
    text = f"FROM a\nRUN --mount=type={mount_type},target=/x true\n"
    index = text.index(f"={mount_type}") + 1
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None and explanation.kind == "mount type"


@pytest.mark.parametrize("flag,value", [("--network", v) for v in ("default", "none", "host")]
                         + [("--security", v) for v in ("sandbox", "insecure")])
def test_network_security_value_hover(flag, value):
    text = f"FROM a\nRUN {flag}={value} true\n"
    index = text.index(f"={value}") + 1
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None and explanation.kind == f"value of {flag}"


@pytest.mark.parametrize("name", [d for d in REF["directives"] if not d.startswith("_")])
def test_directive_hover(name):
    value = {"syntax": "docker/dockerfile:1", "escape": "`", "check": "skip=all"}[name]
    text = f"# {name}={value}\nFROM a\n"
    assert hover_title(text, name) == (name, "parser directive")


@pytest.mark.parametrize("name", list(REF["predefined_args"]))
def test_predefined_arg_hover(name):
    text = f"FROM a\nARG {name}\nRUN echo ${name}\n"
    title, kind = hover_title(text, name)
    assert (title, kind) == (name, "build argument")
    index = text.index("$" + name) + 1
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation.title == "$" + name and explanation.kind == "variable"


SUBSTITUTIONS = [s["syntax"] for s in REF["substitution"] if "syntax" in s]


@pytest.mark.parametrize("syntax", SUBSTITUTIONS)
def test_substitution_hover(syntax):
    if syntax.startswith("\\"):
        text = "FROM a\nENV A=\\$B\n"
        index = text.index("\\$")
    else:
        concrete = syntax.replace("var", "V").replace("word", "w").replace("pattern", "p").replace("replacement", "r")
        text = f"FROM a\nENV A={concrete}\n"
        modifier_at = text.index("{V") + 2 if "{V" in text else text.index("$V") + 2
        index = modifier_at if concrete not in ("$V", "${V}") else text.index("$")
    explanation = explain_at(Analysis(text), KB, index)
    assert explanation is not None and explanation.kind in ("variable substitution", "escaped dollar sign")
    names = {explanation.title}
    entry = KB.get("substitution", explanation.title)
    if entry is not None:
        names |= set(entry.aliases)
    assert syntax in names or explanation.title in syntax


def test_reference_item_count():
    # how many reference items the tests above cover (reported in the closing note)
    total = len(REF["instructions"]) + len(FLAGS) + len(MOUNT_OPTIONS) + len(REF["predefined_args"]) + len(SUBSTITUTIONS)
    assert total > 120

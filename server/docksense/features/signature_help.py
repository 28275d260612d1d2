"""textDocument/signatureHelp: the forms of the instruction under the cursor, with the part the
cursor is in highlighted.

Every instruction shows its forms (shell, exec, heredoc where they exist; the one the line is
written in is active). Inside a flag value the flag gets a signature of its own: ``--mount=``
lists the options of the mount type being written with the option under the cursor active;
``--from=`` names the stages it may refer to; HEALTHCHECK durations show their default. In an
exec-form array the active parameter is the array item under the cursor. Descriptions come from
the knowledge base, so they say the same as hover.
"""

from __future__ import annotations

from lsprotocol import types

from ..analysis import Analysis
from ..knowledge import KnowledgeBase, find_part
from ..syntax import Flag, Instruction
from . import markdown as md
from .completion.context import joined_index, locate
from .positions import to_offset

# instruction -> [(form, parts)]: the label is the parts joined by spaces; every part after the
# keyword is a parameter (JSON items keep their punctuation so each is a distinct substring).
_COPY_FLAGS = ["[--from=<stage|image>]", "[--chown=<user>:<group>]", "[--chmod=<perms>]", "[--link]", "[--parents]",
               "[--exclude=<pattern>]"]
_ADD_FLAGS = ["[--chown=<user>:<group>]", "[--chmod=<perms>]", "[--link]", "[--checksum=<hash>]", "[--keep-git-dir]",
              "[--unpack]", "[--exclude=<pattern>]"]
_RUN_FLAGS = ["[--mount=<mount>]", "[--network=<network>]", "[--security=<security>]", "[--device=<device>]"]
_HC_FLAGS = ["[--interval=<duration>]", "[--timeout=<duration>]", "[--start-period=<duration>]",
             "[--start-interval=<duration>]", "[--retries=<n>]"]
_EXEC = ['["<executable>",', '"<param1>",', '"<param2>"]']
FORMS: dict[str, list[tuple[str, list[str]]]] = {
    "FROM": [("", ["FROM", "[--platform=<platform>]", "<image>[:<tag>|@<digest>]", "[AS <name>]"])],
    "RUN": [("shell", ["RUN", *_RUN_FLAGS, "<command>"]),
            ("exec", ["RUN", *_RUN_FLAGS, *_EXEC]),
            ("heredoc", ["RUN", *_RUN_FLAGS, "<<EOF", "<script>", "EOF"])],
    "CMD": [("exec", ["CMD", *_EXEC]),
            ("exec", ["CMD", '["<param1>",', '"<param2>"]']),
            ("shell", ["CMD", "<command>"])],
    "ENTRYPOINT": [("exec", ["ENTRYPOINT", *_EXEC]), ("shell", ["ENTRYPOINT", "<command>"])],
    "SHELL": [("exec", ["SHELL", *_EXEC])],
    "COPY": [("shell", ["COPY", *_COPY_FLAGS, "<src>...", "<dest>"]),
             ("exec", ["COPY", *_COPY_FLAGS, '["<src>", ...,', '"<dest>"]']),
             ("heredoc", ["COPY", *_COPY_FLAGS, "<<EOF", "<dest>", "<content>", "EOF"])],
    "ADD": [("shell", ["ADD", *_ADD_FLAGS, "<src>...", "<dest>"]),
            ("exec", ["ADD", *_ADD_FLAGS, '["<src>", ...,', '"<dest>"]']),
            ("heredoc", ["ADD", *_ADD_FLAGS, "<<EOF", "<dest>", "<content>", "EOF"])],
    "HEALTHCHECK": [("", ["HEALTHCHECK", *_HC_FLAGS, "CMD", "<command>"]), ("", ["HEALTHCHECK", "NONE"])],
    "ENV": [("", ["ENV", "<key>=<value>", "..."])],
    "ARG": [("", ["ARG", "<name>[=<default>]", "..."])],
    "LABEL": [("", ["LABEL", "<key>=<value>", "..."])],
    "EXPOSE": [("", ["EXPOSE", "<port>[/<protocol>]", "..."])],
    "USER": [("", ["USER", "<user>[:<group>]"])],
    "WORKDIR": [("", ["WORKDIR", "<path>"])],
    "VOLUME": [("exec", ["VOLUME", '["<path>",', '...]']), ("shell", ["VOLUME", "<path>", "..."])],
    "STOPSIGNAL": [("", ["STOPSIGNAL", "<signal>"])],
    "ONBUILD": [("", ["ONBUILD", "<instruction>"])],
    "MAINTAINER": [("", ["MAINTAINER", "<name>"])],
}
DURATIONS = {"interval": "30s", "timeout": "30s", "start-period": "0s", "start-interval": "5s", "retries": "3"}
_FIXED = frozenset({"<<EOF", "EOF", "CMD", "NONE", "..."})


def _parameters(parts: list[str]) -> list[str]:
    return [p for p in parts[1:] if p not in _FIXED]


def signature_help(
    analysis: Analysis,
    kb: KnowledgeBase,
    position: types.Position,
    encoding: str = "utf-16",
    markdown: bool = True,
) -> types.SignatureHelp | None:
    offset = to_offset(analysis.lines, position, encoding)
    ctx = locate(analysis, offset)
    if ctx.kind != "arguments" or ctx.instruction is None:
        return None
    ins = ctx.instruction
    flag = _flag_at(ins, ctx.offset)
    if flag is not None and flag.value_start >= 0 and ctx.offset >= flag.value_start:
        special = _flag_value_signature(analysis, kb, ins, flag, ctx.offset, markdown)
        if special is not None:
            return special
    return _instruction_signature(analysis, kb, ins, ctx.offset, flag, markdown)


def _doc(text: str, markdown: bool) -> types.MarkupContent | None:
    if not text:
        return None
    if markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return types.MarkupContent(kind=types.MarkupKind.PlainText, value=md.plain(text))


def _flag_at(ins: Instruction, offset: int) -> Flag | None:
    for flag in ins.flags:
        if flag.start <= offset <= flag.end:
            return flag
    return None


def _instruction_signature(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, offset: int,
                           flag: Flag | None, markdown: bool) -> types.SignatureHelp | None:
    forms = FORMS.get(ins.name)
    if not forms:
        return None
    entry = kb.get("instruction", ins.name)
    summary = entry.summary.strip() if entry is not None else ""
    signatures = []
    for form, parts in forms:
        label = " ".join(parts)
        params = []
        for text in _parameters(parts):
            params.append(types.ParameterInformation(label=text, documentation=_param_doc(kb, ins, text, markdown)))
        doc = summary + (f"\n\n{form.capitalize()} form." if form else "")
        signatures.append(types.SignatureInformation(label=label, documentation=_doc(doc, markdown),
                                                     parameters=params))
    active_signature = _active_form(ins, forms)
    params = [p.label for p in signatures[active_signature].parameters or []]
    active = _active_parameter(analysis, ins, offset, flag, params)
    signatures[active_signature].active_parameter = active
    return types.SignatureHelp(signatures=signatures, active_signature=active_signature, active_parameter=active)


def _param_doc(kb: KnowledgeBase, ins: Instruction, text: str, markdown: bool) -> types.MarkupContent | None:
    if text.startswith("[--"):
        name = text[1:].split("=", 1)[0].rstrip("]")
        entry = kb.get("flag", name, ins.name)
        if entry is not None:
            return _doc(entry.summary.strip(), markdown)
    return None


def _active_form(ins: Instruction, forms: list[tuple[str, list[str]]]) -> int:
    if ins.name == "HEALTHCHECK" and ins.words and ins.words[0].text.upper() == "NONE":
        return 1
    if ins.name == "CMD" and ins.json is not None:
        return 0
    wanted = ins.form or ("exec" if ins.json is not None or ins.args.startswith("[") else "shell")
    if wanted == "shell" and ins.args.startswith("["):
        wanted = "exec"  # an array still being typed
    for index, (form, _) in enumerate(forms):
        if form == wanted:
            return index
    return 0


def _active_parameter(analysis: Analysis, ins: Instruction, offset: int, flag: Flag | None,
                      params: list[str]) -> int | None:
    if not params:
        return None
    if flag is not None:
        for index, text in enumerate(params):
            if text.startswith(f"[--{flag.name.lower()}"):
                return index
    rest = [i for i, p in enumerate(params) if not p.startswith("[--")]
    if not rest:
        return None
    prefix = ins.joined.text[ins.args_offset: joined_index(ins, offset)]
    if prefix.lstrip().startswith("["):
        position = _json_position(prefix)
        return rest[min(position, len(rest) - 1)]
    words_before = [w for w in ins.words if w.end < offset]
    index = len(words_before)
    if ins.name == "HEALTHCHECK":
        return rest[0] if index >= 1 else None
    if ins.name in ("COPY", "ADD"):
        if ins.heredocs:
            return rest[0]  # on the instruction line: the destination of the inline file
        dest = len(ins.words) - 1
        at_last = index >= dest >= 1
        return rest[1] if at_last and len(rest) > 1 else rest[0]
    if ins.name == "FROM":
        return rest[0] if index == 0 else rest[min(1, len(rest) - 1)]
    return rest[0]


def _json_position(prefix: str) -> int:
    """Index of the JSON array item the text before the cursor ends in (commas outside strings)."""
    count = 0
    in_string = False
    escaped = False
    for ch in prefix.lstrip()[1:]:
        if escaped:
            escaped = False
        elif ch == "\\" and in_string:
            escaped = True
        elif ch == '"':
            in_string = not in_string
        elif ch == "," and not in_string:
            count += 1
    return count


# -- flag values -------------------------------------------------------------------------------
def _flag_value_signature(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, flag: Flag, offset: int,
                          markdown: bool) -> types.SignatureHelp | None:
    name = flag.name.lower()
    entry = kb.get("flag", "--" + name, ins.name)
    summary = entry.summary.strip() if entry is not None else ""
    if ins.name == "RUN" and name == "mount":
        return _mount_signature(analysis, kb, ins, flag, offset, markdown)
    if ins.name == "COPY" and name == "from":
        from .completion.references import earlier_stages

        stages = ", ".join(s.name.text if s.name else str(s.index) for s in earlier_stages(analysis, ins))
        doc = summary + ("\n\nEarlier stages: " + md.escape(stages) if stages else "\n\nNo earlier stage in this file.")
        return _single("--from=<stage name|stage index|image|named context>", ["<stage name|stage index|image|named context>"], doc, markdown)
    if ins.name == "HEALTHCHECK" and name in DURATIONS:
        kind = "n" if name == "retries" else "duration"
        doc = f"{summary}\n\nDefault: {DURATIONS[name]}."
        return _single(f"--{name}=<{kind}>", [f"<{kind}>"], doc, markdown)
    if entry is not None and entry.values:
        values = "|".join(entry.values)
        return _single(f"--{name}=<{values}>", [f"<{values}>"], summary, markdown)
    if ins.name == "FROM" and name == "platform":
        return _single("--platform=<os>/<arch>[/<variant>]", ["<os>/<arch>[/<variant>]"], summary, markdown)
    return None


def _single(label: str, params: list[str], doc: str, markdown: bool) -> types.SignatureHelp:
    signature = types.SignatureInformation(label=label, documentation=_doc(doc, markdown),
                                           parameters=[types.ParameterInformation(label=p) for p in params],
                                           active_parameter=0)
    return types.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=0)


def _mount_signature(analysis: Analysis, kb: KnowledgeBase, ins: Instruction, flag: Flag, offset: int,
                     markdown: bool) -> types.SignatureHelp:
    value = flag.value or ""
    typed_upto = max(0, min(len(value), _value_index(ins, flag, offset)))
    fields = value.split(",")
    mount_type = "bind"
    for field in fields:
        key, eq, val = field.partition("=")
        if key.strip().lower() == "type" and eq:
            mount_type = val.strip().lower() or "bind"
    # The option under the cursor is the whole comma-separated field around it: with the cursor
    # on a key (``ta|rget=/x``, or just before it) the option is that key, not what precedes it.
    field_start = value.rfind(",", 0, typed_upto) + 1
    field_end = value.find(",", typed_upto)
    field = value[field_start:field_end if field_end >= 0 else len(value)]
    current = field.split("=", 1)[0].strip().lower()
    mount = kb.get("mount", mount_type)
    params: list[tuple[str, str]] = [(f"type={mount_type}", "bind (default), cache, tmpfs, secret or ssh")]
    keys = ["type"]
    if mount is not None:
        for key, part in mount.options.items():
            if part.values:
                shown = f"{key}=<{'|'.join(part.values)}>"
            elif key in ("ro", "rw", "required"):
                shown = key
            else:
                shown = f"{key}=<{key}>" if key not in ("target", "source") else f"{key}=<path>"
            params.append((shown, part.summary.strip()))
            keys.append(key)
    label = "--mount=" + ",".join(p for p, _ in params)
    active = 0
    if current and current != "type" and mount is not None:
        found = find_part(mount.options, current)
        if found is None:  # a key being typed: the one option it can still become
            matches = [k for k in keys if k.startswith(current)]
            found = (matches[0], None) if len(matches) == 1 else None
        if found is not None and found[0] in keys:
            active = keys.index(found[0])
    doc = (mount.summary.strip() if mount is not None else "") or f"RUN --mount=type={mount_type}"
    signature = types.SignatureInformation(
        label=label,
        documentation=_doc(doc, markdown),
        parameters=[types.ParameterInformation(label=p, documentation=_doc(d, markdown)) for p, d in params],
        active_parameter=active,
    )
    return types.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=active)


def _value_index(ins: Instruction, flag: Flag, offset: int) -> int:
    """How many characters of the flag's value are before the cursor."""
    return joined_index(ins, offset) - joined_index(ins, flag.value_start)

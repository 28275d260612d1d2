"""What each line does and which other lines it serves: the facts that connect lines.

An explanation of one instruction is only as good as what it knows about the rest of the file:
curl installed on line 4 is what the HEALTHCHECK on line 30 runs; tini installed there is the
ENTRYPOINT; ``COPY package*.json`` comes before ``RUN npm ci`` so that the install layer stays
cached; ``ENV PORT=80`` matches ``EXPOSE 80``. This module gathers those facts once per document
version (hover, ``docksense explain`` and later features read them) in passes that are linear in
the size of the file, so a 10 MB Dockerfile costs no more than its parse.

Facts are structural, never phrased: :class:`Link` says *what* connects two lines (``kind``,
``subject``) and the features turn that into words.
"""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING, Iterable, Optional

import attrs

from ..syntax import Instruction
from .stages import Stage, stage_named

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase
    from .document import Analysis

_MEMO = "analysis.lines"
MAX_TARGETS = 4  # a link names at most this many lines ("used on lines 4, 9, 12 and 20")

# Package managers: (command, subcommand or "") -> how packages are named on the line.
_INSTALLERS = {
    ("apt-get", "install"), ("apt", "install"), ("apk", "add"), ("yum", "install"), ("dnf", "install"),
    ("microdnf", "install"), ("tdnf", "install"), ("zypper", "install"), ("pip", "install"),
    ("npm", "install"), ("npm", "i"), ("yarn", "add"), ("pnpm", "add"), ("gem", "install"),
    ("cargo", "install"), ("go", "install"), ("xx-apk", "add"), ("xx-apt-get", "install"),
    ("conda", "install"), ("mamba", "install"), ("micromamba", "install"), ("pecl", "install"),
    ("docker-php-ext-install", ""), ("uv", "pip"),
}
# Commands that install a project's dependencies from its manifest (the step a manifest-first
# COPY exists for).
_DEPENDENCY_INSTALL = {
    ("npm", "ci"), ("npm", "install"), ("npm", "i"), ("yarn", "install"), ("yarn", ""), ("pnpm", "install"),
    ("pip", "install"), ("pipenv", "install"), ("poetry", "install"), ("uv", "sync"), ("uv", "pip"),
    ("bundle", "install"), ("bundle", ""), ("composer", "install"), ("dotnet", "restore"), ("go", "mod"),
    ("go", "build"), ("cargo", "fetch"), ("cargo", "build"), ("mvn", "dependency:go-offline"), ("mvn", "install"),
    ("mvn", "package"), ("mvn", "verify"), ("gradle", ""), ("bun", "install"), ("mix", "deps.get"),
    ("dotnet", "publish"), ("dotnet", "build"), ("conda", "env"), ("mamba", "env"),
}
MANIFEST = re.compile(
    r"(?:^|/)(?:package(?:\*|-lock)?\.json|package\*\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|"
    r"bun\.lockb?|requirements[^/]*\.(?:txt|in)|Pipfile(?:\.lock)?|poetry\.lock|pyproject\.toml|uv\.lock|"
    r"setup\.(?:py|cfg)|go\.(?:mod|sum)|Cargo\.(?:toml|lock)|[^/]*\.csproj|[^/]*\.fsproj|[^/]*\.sln|"
    r"\*\.csproj|nuget\.config|packages\.lock\.json|pom\.xml|build\.gradle(?:\.kts)?|settings\.gradle(?:\.kts)?|"
    r"Gemfile(?:\.lock)?|composer\.(?:json|lock)|mix\.(?:exs|lock)|environment\.ya?ml|\.npmrc|\.yarnrc(?:\.yml)?)$",
    re.IGNORECASE,
)
_PORT_IN_WORD = re.compile(
    r"(?:^|[=\s/@])(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|::|\*|[\w.-]*)?:(\d{2,5})(?:/|$)"
)
_PORT_OPTIONS = frozenset({"--port", "-p", "--http-port", "--listen", "--server.port", "-port", "--bind", "-b"})
_OUTPUT_OPTIONS = frozenset({"-o", "--output", "--out", "--output-dir", "--dest", "--target-dir", "--prefix",
                             "-DestinationPath", "--root", "--install-dir"})
_VERSION = re.compile(r"(?:==|[=<>~!@^]).*$")


@attrs.frozen
class Link:
    """One fact connecting this line to another.

    ``kind`` names the relation from the point of view of the line that holds the link, e.g.
    ``installs-used-by`` (``subject`` curl, ``target`` the HEALTHCHECK that runs it) or
    ``used-installed-on`` for the other direction. ``line`` is 1-based.
    """

    kind: str
    subject: str
    target: Instruction = attrs.field(eq=False, repr=False)
    line: int


@attrs.define(eq=False)
class LineFacts:
    """What one instruction does, in facts other lines can connect to."""

    instruction: Instruction
    line: int  # 1-based line of the keyword
    stage: Optional[Stage]
    installs: list[str] = attrs.Factory(list)  # package names, versions stripped
    provides: dict[str, str] = attrs.Factory(dict)  # command name -> package that installs it
    runs: list[str] = attrs.Factory(list)  # programs run (basenames), in order
    reads: list[str] = attrs.Factory(list)  # variables referenced
    sets: list[str] = attrs.Factory(list)  # ENV / ARG names
    ports: list[str] = attrs.Factory(list)  # EXPOSE ports, or ports a command binds / a value names
    outputs: list[str] = attrs.Factory(list)  # absolute paths a command writes (``-o /app``)
    dependency_install: bool = False  # installs the project's dependencies from its manifest
    copies_manifest: bool = False  # COPY/ADD of dependency manifests only
    copies_source: bool = False  # COPY/ADD of the whole context (or a source tree)
    links: list[Link] = attrs.Factory(list)
    # what :func:`_add` has seen: (kind, subject, line) keys and links per (kind, subject), so
    # adding stays constant-time however many lines point at this one
    _link_keys: set[tuple[str, str, int]] = attrs.field(factory=set, init=False, repr=False)
    _link_counts: dict[tuple[str, str], int] = attrs.field(factory=dict, init=False, repr=False)


class LineIndex:
    """Every instruction's :class:`LineFacts`, computed together (see :func:`line_facts`)."""

    def __init__(self, analysis: "Analysis", kb: "KnowledgeBase"):
        self.analysis = analysis
        self.kb = kb
        self.facts: dict[int, LineFacts] = {}
        self._build()

    def of(self, ins: Instruction) -> Optional[LineFacts]:
        while ins.parent is not None:
            ins = ins.parent
        return self.facts.get(id(ins))

    # -- facts of one line -----------------------------------------------------------------
    def _build(self) -> None:
        analysis = self.analysis
        for ins in analysis.tree.instructions:
            facts = LineFacts(ins, ins.line + 1, analysis.stage_of(ins))
            self._gather(facts, ins.trigger or ins)
            self.facts[id(ins)] = facts
        self._link_stages()
        for stage in analysis.stages:
            self._link_within(stage)

    def _gather(self, facts: LineFacts, ins: Instruction) -> None:
        name = ins.name
        facts.reads = _unique(v.name for v in ins.variables)
        if name in ("ENV", "ARG"):
            facts.sets = [p.key for p in ins.pairs if p.key]
            if name == "ENV":
                for pair in ins.pairs:
                    if "PORT" in pair.key.upper() and pair.value and pair.value.strip("'\"").isdigit():
                        facts.ports.append(pair.value.strip("'\""))
        elif name == "EXPOSE":
            for word in ins.words:
                match = re.match(r"(\d+)", word.text)
                if match:
                    facts.ports.append(match.group(1))
        elif name in ("COPY", "ADD"):
            words = ins.json.items if ins.json is not None else ins.words
            sources = [w.text for w in words[:-1]] if len(words) >= 2 else []
            if sources and not ins.heredocs:
                if all(MANIFEST.search(s) for s in sources):
                    facts.copies_manifest = True
                elif any(s in (".", "./", "*") or (not ins.flag("from") and s.endswith("/")
                                                   and s.strip("./") in ("src", "app", "lib"))
                         for s in sources):
                    facts.copies_source = True
        elif name in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            self._commands(facts, ins)

    def _commands(self, facts: LineFacts, ins: Instruction) -> None:
        kb = self.kb
        for located in self.analysis.commands(ins):
            command = located.command
            if not command.words:
                continue
            program = _basename(command.words[0].text)
            facts.runs.append(program)
            roles = classified(command, kb)
            sub = ""
            pending = ""
            for role in roles:
                if role.role == "subcommand":
                    sub = role.key or role.text
                elif role.role == "option":
                    pending = role.text if role.part is not None and role.part.takes_value else ""
                    if role.key == "--" or role.text == "--":
                        pending = ""
                elif role.role == "option-value":
                    self._option_value(facts, role.key or pending, role.text)
                    pending = ""
                elif role.role == "operand":
                    if pending:
                        self._option_value(facts, pending, role.text)
                        pending = ""
                    match = _PORT_IN_WORD.search(role.text)
                    if match and not role.text.startswith("/"):
                        facts.ports.append(match.group(1))
            entry_name = roles[0].entry.name if roles and roles[0].entry is not None else program
            if (entry_name, sub) in _DEPENDENCY_INSTALL or (entry_name, "") in _DEPENDENCY_INSTALL and not sub:
                if not _installs_named_packages(entry_name, sub, roles):
                    facts.dependency_install = True
            if (entry_name, sub) in _INSTALLERS:
                for package in _packages(roles):
                    facts.installs.append(package)
                    entry = kb.package(package)
                    if entry is not None:
                        facts.provides.setdefault(entry.name, package)
                        for alias in entry.aliases:
                            facts.provides.setdefault(alias, package)
                    else:
                        facts.provides.setdefault(package, package)
                if entry_name == "pip" and any(r.key in ("-r", "--requirement") for r in roles):
                    facts.dependency_install = True

    def _option_value(self, facts: LineFacts, option: str, value: str) -> None:
        if option in _PORT_OPTIONS:
            match = re.search(r"(\d{2,5})$", value)
            if match:
                facts.ports.append(match.group(1))
        if option in _OUTPUT_OPTIONS and value.startswith("/"):
            facts.outputs.append(value.rstrip("/") or "/")

    # -- links across lines ----------------------------------------------------------------
    def _link_stages(self) -> None:
        """FROM <stage> and COPY --from / RUN --mount from=: both ends learn about each other."""
        analysis = self.analysis
        stages = analysis.stages
        for stage in stages:
            if stage.base_stage is not None:
                base = self.facts[id(stage.base_stage.instruction)]
                here = self.facts[id(stage.instruction)]
                _add(base, Link("stage-base-of", stage.label, stage.instruction, here.line))
                _add(here, Link("stage-built-on", stage.base_stage.label, stage.base_stage.instruction, base.line))
        for ins in analysis.tree.instructions:
            target = ins.trigger or ins
            refs = []
            flag = target.flag("from") if target.name in ("COPY", "ADD") else None
            if flag is not None and flag.value:
                refs.append(flag.value)
            for mount in (f for f in target.flags if f.name.lower() == "mount" and f.value):
                match = re.search(r"(?:^|,)from=([^,]*)", mount.value or "")
                if match:
                    refs.append(match.group(1))
            if not refs:
                continue
            here = self.facts[id(ins)]
            here_stage = analysis.stage_of(ins)
            before = here_stage.index if here_stage is not None else len(stages)
            for ref in refs:
                source = stage_named(stages, ref, before)
                if source is None:
                    continue
                source_facts = self.facts[id(source.instruction)]
                _add(source_facts, Link("stage-copied-by", source.label, ins, here.line))
                _add(here, Link("copies-from-stage", source.label, source.instruction, source_facts.line))
                self._link_output(here, target, source)

    def _link_output(self, here: LineFacts, ins: Instruction, source: Stage) -> None:
        """``COPY --from=build /app .``: the RUN in stage ``build`` that wrote /app."""
        words = ins.json.items if ins.json is not None else ins.words
        if ins.name not in ("COPY", "ADD") or len(words) < 2:
            return
        for word in words[:-1]:
            path = word.text.rstrip("/") or "/"
            for writer in self._writers(source, path):
                _add(here, Link("copies-output-of", path, writer.instruction, writer.line))
                _add(writer, Link("output-copied-by", path, here.instruction, here.line))
                break

    def _writers(self, stage: Stage, path: str) -> Iterable[LineFacts]:
        """RUN lines of ``stage`` (then its base stages) whose output holds ``path``, last first."""
        seen = 0
        while stage is not None and seen < 64:
            for ins in reversed(stage.instructions):
                facts = self.facts[id(ins)]
                if any(path == out or path.startswith(out + "/") or out.startswith(path + "/") for out in facts.outputs):
                    yield facts
            stage = stage.base_stage  # type: ignore[assignment]
            seen += 1

    def _link_within(self, stage: Stage) -> None:
        """Links inside one stage, and into the stages built on it (one forward pass)."""
        provided: dict[str, LineFacts] = {}  # command -> line that installs it
        variables: dict[str, LineFacts] = {}  # name -> line that sets it
        ports: dict[str, list[LineFacts]] = {}  # port -> lines that name it
        manifest: Optional[LineFacts] = None  # last manifest COPY not yet followed by its install
        installed_from_manifest: Optional[LineFacts] = None
        entrypoint: Optional[LineFacts] = None
        cmd: Optional[LineFacts] = None
        workdir: Optional[LineFacts] = None
        chain = _inherited(self, stage)
        if chain is not None:
            provided, variables, ports, installed_from_manifest, entrypoint, cmd, workdir = chain
            provided, variables = dict(provided), dict(variables)
            ports = {port: list(lines) for port, lines in ports.items()}
        for ins in stage.instructions:
            facts = self.facts[id(ins)]
            for program in facts.runs:
                origin = provided.get(program)
                if origin is not None and origin is not facts:
                    _add(origin, Link("installs-used-by", program, ins, facts.line))
                    _add(facts, Link("uses-installed", program, origin.instruction, origin.line))
            for name in facts.reads:
                origin = variables.get(name)
                if origin is not None and origin is not facts:
                    _add(origin, Link("sets-read-by", name, ins, facts.line))
                    _add(facts, Link("reads-set-on", name, origin.instruction, origin.line))
            for port in dict.fromkeys(facts.ports):
                earlier = ports.setdefault(port, [])
                for origin in earlier[-MAX_TARGETS:]:
                    _add(origin, Link("port-matches", port, ins, facts.line))
                    _add(facts, Link("port-matches", port, origin.instruction, origin.line))
                earlier.append(facts)
            if facts.copies_manifest:
                manifest = facts
            elif facts.dependency_install and manifest is not None:
                _add(manifest, Link("manifest-installed-by", "", ins, facts.line))
                _add(facts, Link("installs-manifest-of", "", manifest.instruction, manifest.line))
                installed_from_manifest, manifest = facts, None
            elif facts.copies_source and installed_from_manifest is not None:
                _add(installed_from_manifest, Link("source-copied-after", "", ins, facts.line))
                _add(facts, Link("source-after-install", "", installed_from_manifest.instruction,
                                 installed_from_manifest.line))
                installed_from_manifest = None
            for command in facts.provides:
                provided[command] = facts
            for name in facts.sets:
                variables[name] = facts
            if workdir is not None and _relative_to_workdir(ins):
                _add(workdir, Link("workdir-used-by", "", ins, facts.line))
                _add(facts, Link("in-workdir-of", "", workdir.instruction, workdir.line))
            if ins.name == "WORKDIR":
                workdir = facts
            if ins.name == "ENTRYPOINT":
                entrypoint = facts
            elif ins.name == "CMD":
                cmd = facts
        if entrypoint is not None and cmd is not None and (entrypoint.stage is stage or cmd.stage is stage):
            _add(entrypoint, Link("entrypoint-gets-args", "", cmd.instruction, cmd.line))
            _add(cmd, Link("args-of-entrypoint", "", entrypoint.instruction, entrypoint.line))
        self._states[stage.index] = (provided, variables, ports, installed_from_manifest, entrypoint, cmd,
                                     workdir)

    @property
    def _states(self) -> dict:
        try:
            return self.__states
        except AttributeError:
            self.__states: dict = {}
            return self.__states


def _inherited(index: LineIndex, stage: Stage):
    if stage.base_stage is None:
        return None
    return index._states.get(stage.base_stage.index)


def _relative_to_workdir(ins: Instruction) -> bool:
    """COPY/ADD to a relative destination, or a RUN/CMD/ENTRYPOINT naming a relative file."""
    if ins.name in ("COPY", "ADD"):
        words = ins.json.items if ins.json is not None else ins.words
        return (len(words) >= 2 and not ins.heredocs and not words[-1].text.startswith("$")
                and not re.match(r"[A-Za-z]:[\\/]|[\\/]", words[-1].text))
    if ins.name in ("CMD", "ENTRYPOINT", "RUN"):
        words = ins.json.items if ins.json is not None else ins.words
        return any(re.fullmatch(r"\.?\.?/?[\w.-]+\.(?:py|js|mjs|cjs|dll|jar|sh|rb|php|txt|json|csproj)", w.text)
                   or w.text.startswith("./") for w in words[1:])
    return False


def _add(facts: LineFacts, link: Link) -> None:
    """Add ``link`` unless it repeats one (same kind, subject and line) or the kind is full."""
    key = (link.kind, link.subject, link.line)
    if key in facts._link_keys:
        return
    group = (link.kind, link.subject)
    same_kind = facts._link_counts.get(group, 0)
    if same_kind < MAX_TARGETS:
        facts.links.append(link)
        facts._link_keys.add(key)
        facts._link_counts[group] = same_kind + 1


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _basename(name: str) -> str:
    name = name.replace("\\", "/").rstrip("/")
    base = name.rsplit("/", 1)[-1]
    return base[:-4] if base.lower().endswith(".exe") else base


def _packages(roles) -> list[str]:
    """Operands of an install command that name packages (not files, URLs or variables)."""
    out = []
    for role in roles:
        if role.role != "operand":
            continue
        text = role.text.strip("'\"")
        if not text or text.startswith(("-", "/", ".", "$", "http:", "https:")) or "/" in text and "@" not in text:
            continue
        if text.startswith("@"):  # an npm scope: @scope/name@version
            name = "@" + _VERSION.sub("", text[1:])
        else:
            name = _VERSION.sub("", text)
        if name and re.fullmatch(r"[@A-Za-z0-9][\w.+@/-]*", name):
            out.append(name)
    return out


def _installs_named_packages(command: str, sub: str, roles) -> bool:
    """``npm install -g nodemon`` installs a named tool, not the project's dependencies."""
    if command in ("pip",) and any(r.key in ("-r", "--requirement") for r in roles):
        return False
    if command in ("npm", "pip", "yarn", "pnpm", "bun", "gem", "cargo") and sub in ("install", "i", "add", ""):
        return bool(_packages(roles)) or any(r.key in ("-g", "--global") for r in roles)
    return False


_CLASSIFIED: "weakref.WeakKeyDictionary[KnowledgeBase, dict]" = weakref.WeakKeyDictionary()
_CLASSIFIED_SIZE = 4096


def classified(command, kb: "KnowledgeBase") -> list:
    """``classify(command, kb)``, remembered by the command's words (the roles depend on nothing
    else): the facts pass and the explanation of the same line read them, and big files repeat
    the same commands. Only the roles' texts, keys and parts are meant to be read from the result;
    their ``word`` may belong to an earlier command with the same words."""
    from .shell import classify

    key = tuple((w.text, w.quoted, w.has_expansion) for w in command.words)
    cache = _CLASSIFIED.get(kb)
    if cache is None:
        cache = _CLASSIFIED.setdefault(kb, {})
    found = cache.get(key)
    if found is None:
        if len(cache) >= _CLASSIFIED_SIZE:
            cache.clear()
        found = classify(command, kb)
        cache[key] = found
    return found


def line_facts(analysis: "Analysis", kb: "KnowledgeBase") -> LineIndex:
    """The :class:`LineIndex` of this document version (computed once, then cached)."""
    key = (_MEMO, id(kb))
    found = analysis.memo.get(key)
    if found is None:
        found = LineIndex(analysis, kb)
        analysis.memo[key] = found
    return found  # type: ignore[return-value]


__all__ = ["Link", "LineFacts", "LineIndex", "MANIFEST", "line_facts"]

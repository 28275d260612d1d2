"""Every occurrence of a variable, a stage name or a heredoc delimiter, linked as BuildKit links them.

Definition, references, document highlight, rename and semantic tokens all ask the same
questions ("what is under the cursor, where is it declared, where else is it used"), so the
answer is computed once per document version (kept in ``analysis.memo``) from the analysis
products: the scopes say which declaration is in effect at each ``$VAR``, the stages say
which ``FROM``/``--from``/``from=`` names a stage.

Variables are grouped into *symbols* the way a rename must treat them:

* within one stage (or the global scope) every declaration and use of a name is one symbol:
  ``ENV A=1`` ... ``ENV A=2`` set the same variable of the image;
* a bare ``ARG NAME`` in a stage that re-imports a global ARG joins the global symbol;
* a stage built ``FROM`` another stage of the file inherits its ENV, so the child's uses and
  re-declarations of an inherited name join the parent's symbol;
* nothing else joins: a same-named variable of an unrelated stage is another symbol.

Each use also records the single declaration in effect at that point (BuildKit's scoping:
the nearest earlier ARG/ENV of the stage, an inherited ENV, a re-imported global ARG), which
is where go-to-definition goes; a use that nothing in this file declares has none.
"""

from __future__ import annotations

import bisect
from typing import Optional

import attrs

from ..analysis import Analysis
from ..analysis.stages import Stage
from ..syntax import Flag, Instruction
from ..syntax.numbers import parse_int_bounded

VARIABLE = "variable"
STAGE = "stage"
HEREDOC = "heredoc"

_MEMO_KEY = "features.occurrences"


@attrs.define(eq=False, slots=True)
class Occurrence:
    """One place a name appears: ``start``/``end`` span the name itself."""

    kind: str  # VARIABLE, STAGE or HEREDOC
    name: str  # as written
    start: int
    end: int
    write: bool  # a declaration (ARG/ENV key, ``AS name``, ``<<EOF``)
    instruction: Optional[Instruction] = attrs.field(default=None, repr=False)
    symbol: object = None  # the key of the symbol this occurrence belongs to
    target: Optional["Occurrence"] = attrs.field(default=None, repr=False)  # declaration in effect
    renamable: bool = True  # False for ``--from=0``: an index, not a name
    stage_index: int = -1  # the stage the occurrence is in (-1: global scope)
    hit_start: int = -1  # where a cursor starts to mean this name (the ``$`` of ``$VAR``)

    def __attrs_post_init__(self) -> None:
        if self.hit_start < 0:
            self.hit_start = self.start


class _Groups:
    """Union-find over symbol keys."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, key: object) -> object:
        parents = self.parent
        root = key
        while True:
            parent = parents.get(root, root)
            if parent == root:
                break
            root = parent
        while key != root:  # path compression
            parents[key], key = root, parents[key]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # keep the earlier scope as the root, so the global/parent key names the symbol
            if _order(ra) <= _order(rb):
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def _order(key: object) -> tuple:
    return key[1:2] if isinstance(key, tuple) else (0,)


class Occurrences:
    """All occurrences of one document version, sorted, with their symbols."""

    def __init__(self, items: list[Occurrence]):
        items.sort(key=lambda o: (o.start, o.end))
        self.items = items
        self._starts = [o.start for o in items]
        self.by_symbol: dict[object, list[Occurrence]] = {}
        for item in items:
            self.by_symbol.setdefault(item.symbol, []).append(item)

    def at(self, offset: int) -> Optional[Occurrence]:
        """The occurrence under a cursor at ``offset`` (its end counts, as a cursor after a name)."""
        index = bisect.bisect_right(self._starts, offset) - 1
        best = None
        for candidate in self.items[max(0, index - 1): index + 3]:
            if candidate.hit_start <= offset <= candidate.end:
                if best is None or candidate.hit_start <= offset < candidate.end:
                    best = candidate
        return best

    def same_symbol(self, occurrence: Occurrence) -> list[Occurrence]:
        return self.by_symbol.get(occurrence.symbol, [occurrence])

    def declarations(self, occurrence: Occurrence) -> list[Occurrence]:
        return [o for o in self.same_symbol(occurrence) if o.write]


def occurrences(analysis: Analysis) -> Occurrences:
    """The occurrences of the document version (computed once, kept in ``analysis.memo``)."""
    found = analysis.memo.get(_MEMO_KEY)
    if found is None:
        found = _Builder(analysis).build()
        analysis.memo[_MEMO_KEY] = found
    return found  # type: ignore[return-value]


# -- building ---------------------------------------------------------------------------------
class _Builder:
    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.groups = _Groups()
        self.items: list[Occurrence] = []
        self.by_definition: dict[int, Occurrence] = {}  # id(Definition) -> its declaration

    def build(self) -> Occurrences:
        analysis = self.analysis
        stage_index = {id(ins): stage.index for stage in analysis.stages for ins in stage.instructions}
        self._declarations(stage_index)
        self._uses(stage_index)
        self._inherited()
        self._stages()
        self._heredocs()
        for item in self.items:
            item.symbol = self.groups.find(item.symbol)
        return Occurrences(self.items)

    # variables ---------------------------------------------------------------------------
    def _declarations(self, stage_index: dict[int, int]) -> None:
        scopes = self.analysis.scopes
        for definition in scopes.definitions:
            pair, ins = definition.pair, definition.instruction
            if pair is None or ins is None or pair.key_end <= pair.key_start or not _is_variable_name(definition.name):
                continue  # (a key no ``$`` could name, ``a.b`` or a template's ``{{``, is not a symbol)
            index = definition.stage.index if definition.stage is not None else -1
            key = _var_key(index, definition.name)
            item = Occurrence(VARIABLE, definition.name, pair.key_start, pair.key_end, True, ins, key,
                              stage_index=index)
            self.by_definition[id(definition)] = item
            self.items.append(item)
            inherited = definition.inherited
            if inherited is not None and inherited.stage is None:  # ``ARG NAME`` re-imports a global
                self.groups.union(_var_key(-1, definition.name), key)
        # a re-import points at the global declaration it takes its value from
        for definition in scopes.definitions:
            item = self.by_definition.get(id(definition))
            if item is not None and definition.inherited is not None:
                item.target = self.by_definition.get(id(_root(definition.inherited)))

    def _inherited(self) -> None:
        """ENV inherited from a parent stage: the child's mentions of that name join the parent's
        symbol (a re-declaration in the child sets the same variable of the image)."""
        mentioned: dict[int, set[str]] = {}
        for item in self.items:
            if item.kind == VARIABLE and item.stage_index >= 0:
                mentioned.setdefault(item.stage_index, set()).add(item.name)
        env_of = self.analysis.scopes.stage_env
        for stage in self.analysis.stages:
            if stage.base_stage is None or stage.index not in mentioned:
                continue
            inherited = env_of.get(stage.base_stage.index, {})
            for name in mentioned[stage.index]:
                definition = inherited.get(name)
                if definition is None:
                    continue
                origin = _root(definition)
                if origin.stage is not None:
                    self.groups.union(_var_key(origin.stage.index, name), _var_key(stage.index, name))

    def _uses(self, stage_index: dict[int, int]) -> None:
        scopes = self.analysis.scopes
        for ins in self.analysis.tree.instructions:
            if not ins.variables:
                continue
            index = stage_index.get(id(ins), -1)
            in_from = ins.name == "FROM"
            shell = self._shell_variables(ins, index)
            for ref in ins.variables:
                if not ref.name or ref.name_end <= ref.name_start or not _is_variable_name(ref.name):
                    continue
                if shell is not None and self._shell_use(shell, ins, index, ref):
                    continue
                resolution = scopes.resolve(ref.name, ins)
                definition = resolution.definition
                target = None
                if definition is not None and resolution.status in ("env", "arg", "global", "predefined"):
                    target = self.by_definition.get(id(definition)) or self.by_definition.get(id(_root(definition)))
                scope = -1 if in_from else index
                key = _var_key(scope, ref.name)
                if target is not None and target.stage_index != scope:
                    self.groups.union(target.symbol, key)
                self.items.append(Occurrence(VARIABLE, ref.name, ref.name_start, ref.name_end, False, ins, key,
                                             target, stage_index=scope, hit_start=ref.start))

    # shell variables -----------------------------------------------------------------------
    # Inside RUN (and CMD, ENTRYPOINT, HEALTHCHECK) a name the script itself sets (``arch=...``,
    # ``for f in``, ``read line``) is the shell's own variable: it lives in that one shell, so
    # its symbol is per instruction and per (inline) shell, never the stage's. The shell model
    # (analysis/shell/runs.py) says which references read such a definition.
    _SHELL_STATUSES = frozenset({"set", "inherited", "not-exported", "set-later", "prefix"})

    def _shell_variables(self, ins: Instruction, stage_index: int):
        target = ins.trigger if ins.trigger is not None else ins
        if target.name not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            return None
        try:
            from ..analysis.shell.runs import run_shell

            model = run_shell(self.analysis, ins)
        except Exception:  # the shell model is an extra: without it, the stage's scoping applies
            return None
        if not model.pieces:
            return None
        # most scripts set no variable of their own: then every $NAME is the environment's
        if not any(variables.definitions for _, variables in model.pieces):
            return None
        declared: dict[int, Occurrence] = {}
        names: set[str] = set()
        for number, (piece, variables) in enumerate(model.pieces):
            for definition in variables.definitions:
                start, end = piece.to_doc(definition.start, definition.end)
                if end <= start or not _is_variable_name(definition.name):
                    continue
                key = ("shell", ins.start, number, definition.shell, definition.name)
                item = Occurrence(VARIABLE, definition.name, start, end, True, ins, key, stage_index=stage_index)
                declared[id(definition)] = item
                names.add(definition.name)
                self.items.append(item)
        return _ShellIndex(model, declared, names)

    def _shell_use(self, shell: "_ShellIndex", ins: Instruction, stage_index: int, ref) -> bool:
        """Record ``ref`` as a use of a shell variable when the script sets it; False otherwise."""
        if ref.name not in shell.names:
            return False
        found = shell.reference(ref.name_start)
        if found is None or found.name != ref.name:
            return False
        resolution = found.resolve()
        definition = resolution.definition
        if resolution.status not in self._SHELL_STATUSES or definition is None:
            return False
        number = shell.piece_number(found.piece)
        key = ("shell", ins.start, number, definition.shell, ref.name)
        target = shell.declared.get(id(definition)) if resolution.status in ("set", "inherited") else None
        self.items.append(Occurrence(VARIABLE, ref.name, ref.name_start, ref.name_end, False, ins, key, target,
                                     stage_index=stage_index, hit_start=ref.start))
        return True

    # stages ------------------------------------------------------------------------------
    def _stages(self) -> None:
        stages = self.analysis.stages
        declared: dict[str, Occurrence] = {}
        text = self.analysis.text
        for stage in stages:
            if stage.name is None:
                continue
            item = Occurrence(STAGE, stage.name.text, stage.name.start, stage.name.end, True, stage.instruction,
                              _stage_key(stage.key), stage_index=stage.index)
            # a duplicate name (BuildKit refuses it) links to the first declaration
            if stage.key in declared:
                item.target = declared[stage.key]
            else:
                declared[stage.key] = item
            self.items.append(item)
        for stage in stages:
            if stage.base_stage is not None and stage.image is not None:
                base = stage.base_stage
                target = declared.get(base.key)
                self.items.append(Occurrence(STAGE, stage.image.text, stage.image.start, stage.image.end, False,
                                             stage.instruction, _stage_key(base.key), target,
                                             stage_index=stage.index))
            for ins in stage.instructions:
                for name, start, end in from_values(text, ins):
                    self._stage_use(stages, declared, stage, ins, name, start, end)

    def _stage_use(self, stages: list[Stage], declared: dict[str, Occurrence], stage: Stage,
                   ins: Instruction, name: str, start: int, end: int) -> None:
        key = name.lower()
        target = declared.get(key)
        if target is not None:
            self.items.append(Occurrence(STAGE, name, start, end, False, ins, _stage_key(key), target,
                                         stage_index=stage.index))
            return
        index = parse_int_bounded(name)  # ASCII digits only ("²".isdigit() is True), bounded length
        if index is not None and index < len(stages):
            referred = stages[index]
            target = declared.get(referred.key) if referred.name is not None else None
            symbol = _stage_key(referred.key) if target is not None else ("stage-index", index)
            if target is None:
                target = Occurrence(STAGE, referred.instruction.keyword, referred.instruction.keyword_start,
                                    referred.instruction.keyword_end, True, referred.instruction, symbol,
                                    renamable=False, stage_index=referred.index)
            self.items.append(Occurrence(STAGE, name, start, end, False, ins, symbol, target, renamable=False,
                                         stage_index=stage.index))

    # heredocs ----------------------------------------------------------------------------
    def _heredocs(self) -> None:
        text = self.analysis.text
        for ins in self.analysis.tree.instructions:
            for number, doc in enumerate(ins.heredocs):
                marker = text[doc.marker_start:doc.marker_end]
                at = marker.rfind(doc.name) if doc.name else -1
                if at < 0:
                    continue
                key = ("heredoc", ins.start, number)
                start = doc.marker_start + at
                declaration = Occurrence(HEREDOC, doc.name, start, start + len(doc.name), True, ins, key)
                self.items.append(declaration)
                if doc.terminated and doc.terminator_end > doc.terminator_start:
                    line = text[doc.terminator_start:doc.terminator_end]
                    lead = len(line) - len(line.lstrip("\t"))
                    self.items.append(Occurrence(HEREDOC, doc.name, doc.terminator_start + lead,
                                                 doc.terminator_end, False, ins, key, declaration))


class _ShellIndex:
    """One instruction's shell model, indexed for the lookups above (references on demand)."""

    def __init__(self, model, declared: dict[int, Occurrence], names: set[str]):
        self.model = model
        self.declared = declared
        self.names = names
        self._by_name_start: Optional[dict[int, object]] = None
        self._pieces = {id(piece): number for number, (piece, _) in enumerate(model.pieces)}

    def reference(self, name_start: int):
        if self._by_name_start is None:
            self._by_name_start = {found.name_start: found for found in self.model.references}
        return self._by_name_start.get(name_start)

    def piece_number(self, piece: object) -> int:
        return self._pieces.get(id(piece), 0)


def _root(definition):
    """The declaration a definition ultimately comes from (through inherited ENV copies).

    An ENV inherited from a parent stage is a copy that points at the original; a re-imported
    global ARG is the stage's own declaration, which points at the global one: that is a
    declaration of its own and is not followed here.
    """
    seen = 0
    while definition.inherited is not None and definition.kind == "ENV" and seen < 64:
        if definition.inherited.pair is not definition.pair:
            break
        definition = definition.inherited
        seen += 1
    return definition


def _var_key(stage_index: int, name: str) -> tuple:
    return ("var", stage_index, name)


def _stage_key(key: str) -> tuple:
    return ("stage", 0, key)


def _is_variable_name(name: str) -> bool:
    """A name BuildKit reads after ``$`` (``$1``, ``$@`` and friends are the shell's)."""
    return name.isidentifier()


# -- stage references inside instructions ---------------------------------------------------------
def from_values(text: str, ins: Instruction) -> list[tuple[str, int, int]]:
    """``COPY --from=x`` and ``RUN --mount=...,from=x``: (value, start, end) of each ``x``
    (a stage name, a stage index or an image).

    ONBUILD triggers are left out: they run in another build, where these names mean that
    build's stages.
    """
    out: list[tuple[str, int, int]] = []
    if ins.name == "COPY":
        flag = ins.flag("from")
        if flag is not None:
            span = flag_value_span(text, flag)
            if span is not None:
                out.append(span)
    elif ins.name == "RUN":
        for flag in ins.flags:
            if flag.name.lower() == "mount":
                out.extend((o.value, o.value_start, o.value_end) for o in mount_options(text, flag)
                           if o.key.strip().lower() == "from" and o.value)
    return out


def flag_value_span(text: str, flag: Flag) -> Optional[tuple[str, int, int]]:
    """The flag's value as written and where it is, when it sits on one line unquoted."""
    if flag.value is None or flag.value_start < 0 or flag.value_end <= flag.value_start:
        return None
    value = text[flag.value_start:flag.value_end]
    if not value or "\n" in value or value[0] in "'\"":
        return None
    return value, flag.value_start, flag.value_end


@attrs.frozen
class MountOption:
    """One ``key=value`` of a ``--mount`` flag, with document spans."""

    key: str
    key_start: int
    key_end: int
    value: str
    value_start: int
    value_end: int


def mount_options(text: str, flag: Flag) -> list[MountOption]:
    """The options of a ``--mount`` flag (when the flag sits on one line)."""
    if flag.value is None or flag.value_start < 0:
        return []
    source = text[flag.value_start:flag.value_end]
    if "\n" in source:
        return []
    out: list[MountOption] = []
    pos = 0
    for part in source.split(","):
        key, sep, value = part.partition("=")
        begin = flag.value_start + pos
        if sep:
            value_start = begin + len(key) + 1
            if len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]:
                value, value_start = value[1:-1], value_start + 1
            out.append(MountOption(key, begin, begin + len(key), value, value_start, value_start + len(value)))
        pos += len(part) + 1
    return out

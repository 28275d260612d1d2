"""What silences or re-grades findings, from inside the file and from the project.

Sources, read as data (nothing is executed):

``# check=skip=<names|all>;error=<bool>;experimental=<names|all>`` (BuildKit's directive)
    Parsed exactly as BuildKit's linter does (``linter.ParseLintOptions``): the value is cut
    at its first space, split on ``;`` into at most three ``key=value`` options, and any
    other key, a part without ``=`` or a non-boolean ``error`` makes the whole directive
    invalid (BuildKit then refuses to build; we then apply none of it). Like BuildKit, it is
    found among the parser directives at the top of the file, after an optional BOM and
    ``#!`` line.

    * ``skip=<names>`` accepts the name of *any* docksense rule, or its hadolint alias
      (``DL3008``), so one mechanism silences everything. Rule names are case-sensitive as
      in BuildKit; aliases are not.
    * ``skip=all`` skips the **BuildKit-family** checks only, which is exactly what it does
      in ``docker build``: what docksense adds on top (practice and end-of-life rules) is
      configured with settings, hadolint pragmas or ``.hadolint.yaml``, and a directive
      written for BuildKit should not silently switch that off. As in BuildKit,
      ``skip=all`` leaves running the experimental checks that ``experimental=`` enables;
      a rule skipped *by name* is skipped even when it is experimental (BuildKit cannot
      skip an enabled experimental check by name; a user who names it means it).
    * ``error=true`` makes every reported BuildKit-family finding an error, because the
      build then fails on it.
    * ``experimental=<names|all>`` enables experimental rules (``all``: the BuildKit ones).

``# check=...`` as a comment above one instruction
    BuildKit merges such a comment into the linter configuration for that instruction
    only (``WithMergedConfigFromComments`` on the node's ``PrevComment``): the comment lines
    since the previous instruction, where an empty ``#`` line starts the block afresh and
    blank lines do not. The first ``check`` comment of the block counts; its ``skip`` and
    ``experimental`` options apply to findings inside that instruction; ``error`` is ignored
    there, as in BuildKit. (BuildKit reads these comments since Dockerfile frontend 1.21;
    for the checks in :data:`FILE_SCOPED_CHECKS` it never does, so there such a comment
    silences docksense only.)

``# hadolint ignore=DL3008,SC2086``, ``# hadolint global ignore=...``, ``# hadolint stage ignore=...``
    hadolint's pragmas, read with its grammar (blanks around ``=`` and the commas, a trailing
    ``# comment``). ``ignore`` applies to the instruction right below the block of
    comment lines it is in (hadolint itself reads only the line directly above; accepting
    the whole contiguous block lets several pragmas be stacked); ``stage ignore`` applies
    from the next line to the end of the stage (above a FROM: that whole stage); ``global
    ignore`` anywhere applies to the whole file. Rule names are accepted as well as hadolint
    and ShellCheck codes; a name that is no rule's is kept and matches nothing, so one
    unknown code never voids the rest of the list.

``.hadolint.yaml`` (see :mod:`.hadolint_config`)
    ``ignored`` and ``override`` set rules off or re-grade them; ``disable-ignore-pragma``
    turns the inline hadolint pragmas off.

Syntax-family rules that default to ``error`` (what BuildKit refuses) are never silenced by
any of these: the build fails whatever a comment says, and hiding that would only move the
surprise to ``docker build``. Only the editor settings (``rules.severity`` or
``rules.families``) switch them off. Syntax-family warnings can be silenced like any rule.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Iterable, Optional

import attrs

from ..syntax import Comment, Dockerfile, Instruction
from ..syntax.directives import DirectiveReader
from ..syntax.nodes import Directive
from .hadolint_config import HadolintConfig, config_for
from .model import Finding, Rule
from .registry import canonical

BUILDKIT = "buildkit"
SYNTAX = "syntax"

# BuildKit's directive regexp ``^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`` is matched by hand
# (:func:`match_directive`): as a Python regex its lazy ``(.+?)\s*$`` is quadratic on a value
# followed by a long run of blanks. Go's \s is [\t\n\f\r ].
_GO_SPACE = "\t\n\f\r "
_DIRECTIVE_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_RULE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_ANY_PRAGMA = re.compile(r"hadolint[ \t]+(?:(?:global|stage)[ \t]+)?(?:ignore|shell)[ \t]*=")
# Go's strconv.ParseBool
_GO_BOOL = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


def match_directive(text: str) -> Optional[tuple[str, str, int]]:
    """``(key, value, value offset)`` when ``text`` reads as a ``key=value`` directive.

    Linear in the text whatever it holds: each run of blanks is crossed once.
    """
    key = _DIRECTIVE_KEY.match(text)
    if key is None:
        return None
    i = _skip(text, key.end(), _GO_SPACE)
    if i >= len(text) or text[i] != "=":
        return None
    start = _skip(text, i + 1, _GO_SPACE)
    value = text[start:].rstrip(_GO_SPACE)
    if not value:
        return None
    return key.group(0), value, start


def _skip(text: str, i: int, blanks: str) -> int:
    while i < len(text) and text[i] in blanks:
        i += 1
    return i


def unsilenceable(rule: Rule) -> bool:
    """Whether no comment or project file may silence the rule: BuildKit refuses the file."""
    return rule.family == SYNTAX and rule.severity == "error"


# BuildKit checks its linter runs with the file's ``check`` directive only, never merged with
# the comments above an instruction (dockerfile2llb: the parser's NoEmptyContinuation
# warnings, validateStageNames, validateCommandCasing, validateBaseImagesWithDefaultArgs and
# validateBaseImagePlatform run on the file-level linter), and MultipleInstructionsDisallowed,
# which the *later* instruction's comments govern while the finding is on the earlier one.
FILE_SCOPED_CHECKS = frozenset({
    "NoEmptyContinuation", "DuplicateStageName", "ReservedStageName", "ConsistentInstructionCasing",
    "InvalidDefaultArgInFrom", "InvalidBaseImagePlatform", "MultipleInstructionsDisallowed",
})


def buildkit_reads_local_skip(rule: Rule) -> bool:
    """Whether BuildKit itself honours ``# check=skip=<rule>`` above the reported instruction."""
    return rule.family == BUILDKIT and rule.name not in FILE_SCOPED_CHECKS


def canonical_name(name: str) -> str:
    """The rule a name or alias refers to; an unknown name stays as written (matches nothing)."""
    return canonical(name) or name


# -- the check directive ---------------------------------------------------------------
@attrs.define(frozen=True)
class CheckOptions:
    """BuildKit's lint configuration from one ``check`` value (names made canonical)."""

    skip: frozenset[str] = frozenset()
    skip_all: bool = False
    error: bool = False
    experimental: frozenset[str] = frozenset()
    experimental_all: bool = False

    def skips(self, rule: Rule) -> bool:
        if rule.name in self.skip:
            return True
        return self.skip_all and rule.family == BUILDKIT and not rule.experimental

    def enables(self, rule: Rule) -> bool:
        return rule.name in self.experimental or (self.experimental_all and rule.family == BUILDKIT)


class CheckOptionsError(ValueError):
    """The value BuildKit would refuse, with its reason."""


def effective_value(value: str) -> str:
    """The part of a ``check`` value BuildKit reads: everything before the first space."""
    return value.split(" ", 1)[0]


def parse_check_options(value: str) -> CheckOptions:
    """Parse a ``check`` directive value as ``linter.ParseLintOptions`` does."""
    text = effective_value(value).strip()
    if not text:
        return CheckOptions()
    skip: set[str] = set()
    experimental: set[str] = set()
    skip_all = error = experimental_all = False
    for part in text.split(";", 2):
        key, sep, option = part.partition("=")
        if not sep:
            raise CheckOptionsError(f"invalid check option {part!r}")
        key = key.strip()
        option = option.strip()
        if key == "skip":
            if option == "all":
                skip_all = True
            else:
                skip.update(canonical_name(n.strip()) for n in option.split(","))
        elif key == "experimental":
            if option == "all":
                experimental_all = True
            else:
                experimental.update(canonical_name(n.strip()) for n in option.split(","))
        elif key == "error":
            if option not in _GO_BOOL:
                raise CheckOptionsError(f"failed to parse check option {part!r}: invalid syntax")
            error = _GO_BOOL[option]
        else:
            raise CheckOptionsError(f"invalid check option {key!r}")
    skip.discard("")
    experimental.discard("")
    return CheckOptions(frozenset(skip), skip_all, error, frozenset(experimental), experimental_all)


@attrs.define
class CheckValue:
    """A ``check`` value in the document (file directive or instruction comment)."""

    value: str
    value_start: int
    value_end: int
    options: Optional[CheckOptions]
    problem: Optional[str] = None

    @classmethod
    def read(cls, value: str, value_start: int) -> "CheckValue":
        try:
            return cls(value, value_start, value_start + len(value), parse_check_options(value))
        except CheckOptionsError as exc:
            return cls(value, value_start, value_start + len(value), None, str(exc))


@attrs.define
class DirectiveBlock:
    """The parser directives BuildKit's linter reads, and where a new one may be written."""

    check: Optional[CheckValue]
    directive: Optional[Directive]  # the ``# check=`` line itself
    insert_at: int  # start of the first line that is not a directive
    newline: str  # the file's line break, for inserted lines
    start: int = 0  # where directives may begin (after a BOM and a ``#!`` line)


def line_break(text: str) -> str:
    """The file's line break style (``\\r\\n`` when its first line ends so)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def read_directive_block(text: str) -> DirectiveBlock:
    """Find the ``check`` directive as BuildKit's ``parser.ParseDirective("check")`` does.

    That reader skips a BOM and a ``#!`` first line (unlike the escape directive's reader),
    then reads ``#`` lines up to the first one that is not a directive.
    """
    offset = 1 if text.startswith("\ufeff") else 0
    line_no = 0
    end = text.find("\n", offset)
    if text.startswith("#!", offset):
        if end < 0:
            return DirectiveBlock(None, None, len(text), line_break(text), len(text))
        offset = end + 1
        line_no = 1
    begin = offset
    reader = DirectiveReader()
    insert_at = len(text)
    while offset <= len(text):
        end = text.find("\n", offset)
        stop = len(text) if end < 0 else end
        line = text[offset:stop]
        if line.endswith("\r"):
            line = line[:-1]
        reader.feed(line, offset, line_no)
        if reader.done:
            insert_at = offset
            break
        if end < 0:
            break
        offset = end + 1
        line_no += 1
    directive = reader.seen.get("check")
    check = CheckValue.read(directive.value, directive.value_start) if directive else None
    return DirectiveBlock(check, directive, insert_at, line_break(text), begin)


# -- comments above an instruction -----------------------------------------------------
def comment_text_start(text: str, comment: Comment) -> int:
    """Offset of the comment's text (after ``#`` and spaces): where ``comment.text`` begins."""
    body = text[comment.start + 1 : comment.end]
    return comment.start + 1 + (len(body) - len(body.lstrip()))


def _is_check_directive(text: str) -> bool:
    """Whether a comment reads as a ``check=`` directive (as ``CommentIndex.check_comment`` tests)."""
    match = match_directive(text)
    return match is not None and match[0].lower() == "check"


class CommentIndex:
    """Comment lines by line number, and the blocks BuildKit and hadolint attach to instructions."""

    def __init__(self, tree: Dockerfile):
        self.tree = tree
        self.by_line: dict[int, Comment] = {c.line: c for c in tree.comments}
        self._lines = [c.line for c in tree.comments]
        self._position = {id(ins): i for i, ins in enumerate(tree.instructions)}

    def prev_comments(self, ins: Instruction) -> list[Comment]:
        """BuildKit's ``PrevComment``: comments since the previous instruction, reset by ``#``."""
        index = self._position.get(id(ins))
        if index is None:
            return []
        after = self.tree.instructions[index - 1].end_line if index > 0 else -1
        lo = bisect.bisect_right(self._lines, after)
        hi = bisect.bisect_left(self._lines, ins.line)
        block: list[Comment] = []
        for comment in self.tree.comments[lo:hi]:
            if comment.text:
                block.append(comment)
            else:
                block = []
        return block

    def lines_above(self, ins: Instruction) -> list[Comment]:
        """The contiguous comment lines directly above the instruction (top to bottom)."""
        out = []
        line = ins.line - 1
        while line in self.by_line:
            out.append(self.by_line[line])
            line -= 1
        out.reverse()
        return out

    def check_comment(self, ins: Instruction) -> Optional[CheckValue]:
        """The first ``check`` comment of the instruction's block (the one BuildKit reads)."""
        for comment in self.prev_comments(ins):
            match = match_directive(comment.text)
            if match and match[0].lower() == "check":
                start = comment_text_start(self.tree.text, comment) + match[2]
                return CheckValue.read(match[1], start)
        return None


@attrs.define
class Pragma:
    """``# hadolint [global|stage] ignore=A,B``: the names and where the list ends (to extend it)."""

    comment: Comment
    is_global: bool
    names: list[str]
    list_end: int
    is_stage: bool = False


def read_pragma(body: str) -> Optional[tuple[str, list[str], int]]:
    """``(scope, names, end of the list)`` for hadolint's ignore pragma grammar
    (``Hadolint.Pragma``): ``hadolint`` blanks [``global``|``stage`` blanks] ``ignore`` blanks
    ``=`` blanks, then names separated by commas with blanks around them, then blanks and an
    optional ``# comment``. Scope is "", "global" or "stage". Names may be docksense rule
    names as well as codes; unknown names are kept (they match nothing). Hand-written so that
    it is linear in the comment, however many blanks it holds."""
    blanks = " \t"
    i = _skip(body, 0, blanks)
    if not body.startswith("hadolint", i):
        return None
    j = _skip(body, i + 8, blanks)
    if j == i + 8:
        return None
    scope = ""
    for word in ("global", "stage"):
        if body.startswith(word, j):
            k = _skip(body, j + len(word), blanks)
            if k > j + len(word):
                scope, j = word, k
            break
    if not body.startswith("ignore", j):
        return None
    j = _skip(body, j + 6, blanks)
    if j >= len(body) or body[j] != "=":
        return None
    j = _skip(body, j + 1, blanks)
    names: list[str] = []
    end = j
    while True:
        name = _RULE_NAME.match(body, j)
        if name is None:
            return None
        names.append(name.group(0))
        end = name.end()
        k = _skip(body, end, blanks)
        if k < len(body) and body[k] == ",":
            j = _skip(body, k + 1, blanks)
            continue
        break
    rest = _skip(body, end, blanks)
    if rest < len(body) and body[rest] != "#":
        return None
    return scope, names, end


def parse_pragma(text: str, comment: Comment) -> Optional[Pragma]:
    read = read_pragma(comment.text)
    if read is None:
        return None
    scope, names, end = read
    return Pragma(comment, scope == "global", names, comment_text_start(text, comment) + end, scope == "stage")


def uses_hadolint_pragmas(tree: Dockerfile) -> bool:
    """Whether the file already speaks hadolint (so new ignores are written its way)."""
    return any(_ANY_PRAGMA.match(c.text) for c in tree.comments)


# -- everything for one file -----------------------------------------------------------
@attrs.define
class _Local:
    check: Optional[CheckOptions]
    ignores: frozenset[str]


class Suppressions:
    """The in-file and project suppressions of one analysed document."""

    def __init__(self, tree: Dockerfile, path: Optional[Path] = None, *,
                 workspace_root: Optional[Path] = None, search_from: Optional[Path] = None,
                 read_project_config: bool = True):
        self.tree = tree
        self.comments = CommentIndex(tree)
        block = read_directive_block(tree.text)
        self.file_check: Optional[CheckOptions] = block.check.options if block.check else None
        self.file_check_problem: Optional[str] = block.check.problem if block.check else None
        self.hadolint: Optional[HadolintConfig] = (
            config_for(path, workspace_root, search_from) if read_project_config else None
        )
        self.pragmas_enabled = not (self.hadolint and self.hadolint.disable_ignore_pragma)
        self.global_ignores: frozenset[str] = frozenset()
        if self.pragmas_enabled:
            names: set[str] = set()
            for comment in tree.comments:
                pragma = parse_pragma(tree.text, comment)
                if pragma and pragma.is_global:
                    names.update(canonical_name(n) for n in pragma.names)
            self.global_ignores = frozenset(names)
        self._ignored = frozenset(canonical_name(n) for n in (self.hadolint.ignored if self.hadolint else ()))
        self._override = {canonical_name(k): v for k, v in (self.hadolint.override if self.hadolint else {}).items()}
        self._local: dict[int, _Local] = {}
        self._local_experimental: Optional[tuple[frozenset[str], bool]] = None
        self._starts = [ins.line for ins in tree.instructions]
        self._stage_ignores = self._read_stage_ignores() if self.pragmas_enabled else []

    def _read_stage_ignores(self) -> list[tuple[int, int, frozenset[str]]]:
        """``(first line, end line, names)`` of each ``# hadolint stage ignore=``: from the
        line below the pragma to the end of the stage (a pragma right above a FROM covers
        that stage), as hadolint's ``stageIgnored`` does."""
        froms = [ins.line for ins in self.tree.instructions if ins.name == "FROM"]
        out = []
        for comment in self.tree.comments:
            pragma = parse_pragma(self.tree.text, comment)
            if pragma is None or not pragma.is_stage:
                continue
            index = bisect.bisect_right(froms, comment.line + 1)
            end = froms[index] if index < len(froms) else 1 << 62
            out.append((comment.line + 1, end, frozenset(canonical_name(n) for n in pragma.names)))
        return out

    # -- rule level ----------------------------------------------------------------
    def project_severity(self, rule: Rule) -> Optional[str]:
        """The severity ``.hadolint.yaml`` gives the rule ("off" when ignored), if any."""
        if unsilenceable(rule):
            return None
        if rule.name in self._ignored:
            return "off"
        return self._override.get(rule.name)

    def file_enables(self, rule: Rule) -> bool:
        return self.file_check is not None and self.file_check.enables(rule)

    def locally_enabled_anywhere(self, rule: Rule) -> bool:
        """Whether some instruction's ``# check=experimental=`` comment enables the rule."""
        names, experimental_all = self._locally_experimental()
        return rule.name in names or (experimental_all and rule.family == BUILDKIT)

    def _locally_experimental(self) -> tuple[frozenset[str], bool]:
        """The union of the instructions' ``check`` comments' experimental names (and whether
        one says ``all``), read once per document version rather than by walking every
        instruction's comment block for each experimental rule. A file with no ``check``
        directive among its comments (the usual case) skips the walk."""
        if self._local_experimental is None:
            names: set[str] = set()
            experimental_all = False
            if any(_is_check_directive(c.text) for c in self.tree.comments):
                for ins in self.tree.instructions:
                    value = self.comments.check_comment(ins)
                    options = value.options if value else None
                    if options is not None:
                        names.update(options.experimental)
                        experimental_all = experimental_all or options.experimental_all
            self._local_experimental = (frozenset(names), experimental_all)
        return self._local_experimental

    def escalates(self, rule: Rule) -> bool:
        """``error=true``: BuildKit fails the build on its checks, so they are errors."""
        return self.file_check is not None and self.file_check.error and rule.family == BUILDKIT

    # -- finding level ---------------------------------------------------------------
    def local(self, ins: Instruction) -> _Local:
        cached = self._local.get(id(ins))
        if cached is not None:
            return cached
        check_value = self.comments.check_comment(ins)
        ignores: set[str] = set()
        if self.pragmas_enabled:
            for comment in self.comments.lines_above(ins):
                pragma = parse_pragma(self.tree.text, comment)
                if pragma and not pragma.is_global and not pragma.is_stage:
                    ignores.update(canonical_name(n) for n in pragma.names)
        for first, end, names in self._stage_ignores:
            if first <= ins.line < end:
                ignores.update(names)
        local = _Local(check_value.options if check_value else None, frozenset(ignores))
        self._local[id(ins)] = local
        return local

    def instruction_of(self, finding: Finding) -> Optional[Instruction]:
        """The instruction a finding belongs to: by ``instruction_line``, else by its start."""
        items = self.tree.instructions
        if finding.instruction_line >= 0:
            index = bisect.bisect_right(self._starts, finding.instruction_line) - 1
            if 0 <= index < len(items) and items[index].line <= finding.instruction_line <= items[index].end_line:
                return items[index]
        return self.tree.instruction_at(finding.start)

    def suppressed(self, finding: Finding, rule: Rule, globally_enabled: bool = True) -> bool:
        """Whether a finding of ``rule`` is silenced where it is.

        ``globally_enabled`` is False for an experimental rule that only some instruction's
        ``# check=experimental=`` comment enables: its findings elsewhere are dropped.
        """
        if unsilenceable(rule):
            return False
        if self.file_check is not None and self.file_check.skips(rule):
            return True
        if rule.name in self.global_ignores:
            return True
        ins = self.instruction_of(finding)
        if ins is None:
            return not globally_enabled
        local = self.local(ins)
        if rule.name in local.ignores:
            return True
        if local.check is not None:
            if local.check.skips(rule):
                return True
            if not globally_enabled and local.check.enables(rule):
                return False
        return not globally_enabled


def names_in(names: Iterable[str]) -> frozenset[str]:
    """Canonical rule names for names or aliases (as settings and directives write them)."""
    return frozenset(canonical_name(n) for n in names)

"""What the most used Dockerfile language server's validator reports, beyond our other families.

rcjsuen/dockerfile-utils (``src/dockerValidator.ts``, codes in ``src/main.ts``) validates
Dockerfiles for the VS Code Docker extension and for many editors through
dockerfile-language-server-nodejs. Each of its ``ValidationCode`` values is listed below
with where docksense covers it: in family 1 (:mod:`.instructions`, BuildKit's refusals), in
BuildKit's own build checks (the ``buildkit`` family), here, or not at all because
dockerfile-utils is wrong about current BuildKit (it was written against the classic
builder; the issue threads cited are its own).

=================================  ==========================================================
dockerfile-utils code              docksense
=================================  ==========================================================
CASING_INSTRUCTION                 covered: ConsistentInstructionCasing (consistent lower case
                                   builds fine, so only mixing is flagged)
CASING_DIRECTIVE                   here: DirectiveCasing (practice, every directive, fix)
ARGUMENT_MISSING                   covered: WrongArgumentCount; not for an empty ENTRYPOINT,
                                   which BuildKit accepts (false positive)
ARGUMENT_EXTRA                     covered: InvalidStopSignal (``STOPSIGNAL a b`` is one word
                                   for BuildKit, refused as a signal)
ARGUMENT_REQUIRES_ONE              never emitted by dockerfile-utils
ARGUMENT_REQUIRES_AT_LEAST_ONE     covered: WrongArgumentCount
ARGUMENT_REQUIRES_TWO              covered: MissingValue (parser)
ARGUMENT_REQUIRES_AT_LEAST_TWO     covered: WrongArgumentCount
ARGUMENT_REQUIRES_ONE_OR_THREE     covered: WrongArgumentCount
ARGUMENT_UNNECESSARY               covered: InvalidHealthcheck
DUPLICATE_BUILD_STAGE_NAME         covered: DuplicateStageName
EMPTY_CONTINUATION_LINE            covered: NoEmptyContinuation
INVALID_BUILD_STAGE_NAME           covered: InvalidStageName
FLAG_AT_LEAST_ONE                  not implemented: false positive, BuildKit accepts
                                   ``--retries=0`` and refuses only negatives (InvalidRetries);
                                   dockerfile-language-server#89 shows the classic builder
FLAG_DUPLICATE                     covered: DuplicateFlag
FLAG_INVALID_DURATION              covered: InvalidDuration
FLAG_LESS_THAN_1MS                 covered: InvalidDuration, except for 0 (``0s``), which
                                   BuildKit accepts as "default" (false positive there;
                                   dockerfile-language-server#106 shows the classic builder)
FLAG_MISSING_DURATION              covered: InvalidDuration
FLAG_MISSING_VALUE                 covered: FlagMissingValue
FLAG_UNKNOWN_UNIT                  covered: InvalidDuration
NO_SOURCE_IMAGE                    covered: NoFromInstruction
INVALID_ESCAPE_DIRECTIVE           covered: InvalidEscapeDirective (parser)
INVALID_AS                         covered: FromExpectedAs
INVALID_DESTINATION                covered: CopyDestinationNotDirectory, as a warning: BuildKit
                                   builds it (moby/buildkit#1853), the classic builder does not
INVALID_PORT, INVALID_PROTO        covered: InvalidExposePort
INVALID_REFERENCE_FORMAT           here: InvalidImageReference (syntax, error)
INVALID_SIGNAL                     covered: InvalidStopSignal (variables are skipped, the false
                                   positive of dockerfile-language-server#54)
INVALID_SYNTAX                     covered: InvalidRetries
ONBUILD_CHAINING_DISALLOWED        covered: OnbuildChaining
ONBUILD_TRIGGER_DISALLOWED         covered: OnbuildDisallowedTrigger
SHELL_JSON_FORM                    covered: ShellRequiresJson
SHELL_REQUIRES_ONE                 covered: WrongArgumentCount
SYNTAX_MISSING_EQUALS              covered: MissingEquals (parser)
SYNTAX_MISSING_NAMES               covered: EmptyKeyName
SYNTAX_MISSING_SINGLE_QUOTE        here: UnterminatedQuote (syntax, error); the quote false
SYNTAX_MISSING_DOUBLE_QUOTE        positives of dockerfile-utils#36 and #50 came from its
                                   parser, this follows BuildKit's lexer
MULTIPLE_INSTRUCTIONS              covered: MultipleInstructionsDisallowed (BuildKit's check
                                   for CMD, ENTRYPOINT and HEALTHCHECK)
UNKNOWN_INSTRUCTION                covered: UnknownInstruction
UNKNOWN_ADD_FLAG, UNKNOWN_COPY_    covered: UnknownFlag (for every instruction)
FLAG, UNKNOWN_FROM_FLAG,
UNKNOWN_HEALTHCHECK_FLAG
UNKNOWN_TYPE                       covered: InvalidHealthcheck
UNSUPPORTED_MODIFIER               covered: UnsupportedModifier; dockerfile-utils also flags
                                   ``#``, ``%`` and ``/``, supported since Dockerfile 1.7
                                   (false positive there)
DEPRECATED_MAINTAINER              covered: MaintainerDeprecated
HEALTHCHECK_CMD_ARGUMENT_MISSING   covered: InvalidHealthcheck
FLAG_INVALID_FROM_VALUE            here: InvalidImageReference for a ``--from`` that is
                                   neither a stage nor an image; an empty ``--from=`` is the
                                   build context for BuildKit (false positive, not flagged)
FLAG_INVALID_LINK_VALUE,           covered: InvalidBooleanFlag
FLAG_EXPECTED_BOOLEAN_VALUE
JSON_IN_SINGLE_QUOTES              here: JsonInSingleQuotes (practice, warning, fix)
WORKDIR_IS_NOT_ABSOLUTE            covered: WorkdirRelativePath
BASE_NAME_EMPTY                    here: EmptyBaseName (syntax, error)
DUPLICATED_ESCAPE_DIRECTIVE        covered: DuplicateDirective (parser)
=================================  ==========================================================

The rules here follow BuildKit wherever it decides: an error only for what BuildKit
refuses (the ``distribution/reference`` grammar for image names, ``shell/lex.go`` for quotes,
an empty base name in ``dockerfile2llb``), a warning for what builds but does not do what it
says (``CMD ['a']`` is shell form, directive names in odd case).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Iterator, Optional

import attrs

from ..syntax import Instruction
from ..syntax.words import unquote
from .context import computed_once
from .model import Edit, Finding, Fix
from .registry import rule

if TYPE_CHECKING:
    from ..analysis import Analysis

_RULES: dict[str, tuple[str, str, str]] = {
    "DirectiveCasing": ("practice", "warning", "A parser directive name not written in lower case"),
    "JsonInSingleQuotes": ("practice", "warning", "An exec-form array written with single quotes, which is not JSON"),
    "InvalidImageReference": ("syntax", "error", "An image reference BuildKit cannot parse"),
    "UnterminatedQuote": ("syntax", "error", "A quote BuildKit's lexer never sees closed"),
    "EmptyBaseName": ("syntax", "error", "A FROM whose image is only undeclared variables, so it is empty"),
}
_FIXABLE = frozenset({"DirectiveCasing", "JsonInSingleQuotes"})

# -- image references (github.com/distribution/reference) ------------------------------------
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = f"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[(?:[a-fA-F0-9:]+)\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)
_IDENTIFIER = re.compile(r"[a-f0-9]{64}")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_LOWER_HEX = re.compile(r"[a-f0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def image_reference_problem(ref: str) -> Optional[str]:
    """Why ``reference.ParseNormalizedNamed`` refuses ``ref``, or None when it parses."""
    if ref == "":
        return "the image name is empty"
    if _IDENTIFIER.fullmatch(ref):
        return "cannot specify 64-byte hexadecimal strings as a repository name"
    first, slash, rest = ref.partition("/")
    if not slash:
        remainder = ref
    elif first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        remainder = rest
    else:
        remainder = ref
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return f"repository name ({remote}) must be lowercase"
    match = _REFERENCE.fullmatch(ref)
    if match is None:
        return "invalid reference format (expected [registry/]name[:tag][@digest])"
    if len(match.group(1)) > 255:
        return "repository name must not be more than 255 characters"
    digest = match.group(3)
    if digest:
        algorithm, _, encoded = digest.partition(":")
        length = _DIGEST_LENGTHS.get(algorithm)
        if length is None:
            return f"unsupported digest algorithm {algorithm} (use sha256)"
        if len(encoded) != length or not _LOWER_HEX.fullmatch(encoded):
            return f"invalid {algorithm} digest: expected {length} lower-case hex characters"
    return None


# -- quotes as BuildKit's lexer reads them (shell/lex.go) -------------------------------------
def unterminated_quote(word: str, escape: str) -> Optional[str]:
    """The quote character left open in ``word`` (``'`` or ``"``), or None."""
    if "'" not in word and '"' not in word:
        return None
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch == escape:
            i += 2
            continue
        if ch == "'":
            end = word.find("'", i + 1)
            if end < 0:
                return "'"
            i = end + 1
            continue
        if ch == '"':
            i += 1
            while i < n and word[i] != '"':
                i += 2 if word[i] == escape else 1
            if i >= n:
                return '"'
            i += 1
            continue
        i += 1
    return None


_SINGLE_QUOTED_ARRAY = re.compile(r"\[\s*'[^']*'(?:\s*,\s*'[^']*')*\s*\]")
_SINGLE_QUOTED_ITEM = re.compile(r"'([^']*)'")
_JSON_FORM_INSTRUCTIONS = frozenset({"CMD", "ENTRYPOINT", "RUN", "VOLUME", "COPY", "ADD"})
_QUOTED_WORDS = frozenset({"WORKDIR", "USER", "STOPSIGNAL", "COPY", "ADD", "VOLUME", "EXPOSE", "FROM"})
# one value: the rest of the line, or for FROM the image (the stage name is not expanded)
_WHOLE_VALUE = frozenset({"WORKDIR", "USER", "STOPSIGNAL", "FROM"})
_PAIRS = frozenset({"ENV", "LABEL", "ARG"})


class _Pass:
    """Collects every finding of this module for one analysis."""

    def __init__(self, analysis: "Analysis") -> None:
        self.analysis = analysis
        self.text: str = analysis.text
        self.escape: str = analysis.tree.escape
        self.found: dict[str, list[Finding]] = {name: [] for name in _RULES}
        self.stage_keys = {stage.key for stage in analysis.stages if stage.name is not None}

    def add(self, name: str, ins: Optional[Instruction], message: str, start: int, end: int,
            fix: Optional[Fix] = None) -> None:
        line = -1
        if ins is not None:
            top = ins
            while top.parent is not None:
                top = top.parent
            line = top.line
        self.found[name].append(Finding(name, message, start, max(start, end), _RULES[name][1],
                                        fix=fix, instruction_line=line))

    def run(self) -> "_Pass":
        self._directives()
        for index, stage in enumerate(self.analysis.stages):
            self._from(stage.instruction, index)
        for ins in self.analysis.tree.instructions:
            self.instruction(ins)
            if ins.trigger is not None:
                self.instruction(ins.trigger)
        return self

    def instruction(self, ins: Instruction) -> None:
        name = ins.keyword.upper()
        if name in _JSON_FORM_INSTRUCTIONS:
            if ins.json is None and ins.args.startswith("[") and ins.form != "heredoc":
                self._single_quotes(ins)
        if name in _PAIRS:
            self._pair_quotes(ins, name)
        elif name in _QUOTED_WORDS and ins.json is None:
            words = ins.words[:1] if name in _WHOLE_VALUE else ins.words
            for word in words:
                raw = word.raw or word.text
                if "'" in raw or '"' in raw:
                    self._quote(ins, raw, word.start, word.end)
        if ins.flags:
            if name == "COPY":
                flag = ins.flag("from")
                if flag is not None and flag.value:
                    self._reference(ins, flag.value, flag.value_start, flag.value_end, "--from")
            elif name == "RUN":
                for flag in ins.flags:
                    if flag.name == "mount" and flag.value and "from" in flag.value:
                        self._mount_from(ins, flag.value, flag.value_start, flag.value_end)

    # -- directives -----------------------------------------------------------------------
    def _directives(self) -> None:
        for directive in self.analysis.tree.directives:
            written = directive.written_name or self.text[directive.name_start:directive.name_end]
            if written != directive.name:
                fix = Fix(f"Write '{directive.name}'", [Edit(directive.name_start, directive.name_end,
                                                             directive.name)], preferred=True)
                self.add("DirectiveCasing", None,
                         f"write the parser directive as '{directive.name}' (lower case), not '{written}'",
                         directive.name_start, directive.name_end, fix)

    # -- exec form in single quotes -----------------------------------------------------------
    def _single_quotes(self, ins: Instruction) -> None:
        args = ins.args
        if not args.startswith("[") or not _SINGLE_QUOTED_ARRAY.fullmatch(args):
            return
        start, end = ins.args_span()
        fix = None
        if self.text[start:end] == args and "\\" not in args and '"' not in args:
            fixed = _SINGLE_QUOTED_ITEM.sub(lambda m: json.dumps(m.group(1)), args)
            fix = Fix("Use double quotes (JSON)", [Edit(start, end, fixed)], preferred=True)
        self.add("JsonInSingleQuotes", ins,
                 f"{ins.name} looks like the exec form but JSON needs double quotes: with single "
                 "quotes BuildKit reads it as shell form, brackets and quotes included",
                 start, end, fix)

    # -- quotes -----------------------------------------------------------------------------
    def _quote(self, ins: Instruction, raw: str, start: int, end: int, whole: bool = False) -> None:
        quote = unterminated_quote(raw, self.escape)
        if quote:
            kind = "double" if quote == '"' else "single"
            advice = (f"BuildKit splits {ins.name} entries at '=' before it reads quotes, so quote "
                      "the name and the value separately" if whole else f"close the {quote} quote")
            self.add("UnterminatedQuote", ins,
                     f"unexpected end of statement while looking for matching {kind}-quote in {raw}: "
                     f"{advice}", start, end)

    def _pair_quotes(self, ins: Instruction, name: str) -> None:
        for pair in ins.pairs:
            # BuildKit expands ENV and LABEL names; ARG names are taken as written.
            if name != "ARG" and unterminated_quote(pair.key, self.escape):
                # ``LABEL "a=b"``: the quote opened in the name closes in the value, but
                # BuildKit splits at ``=`` first and reads each half alone.
                self._quote(ins, pair.key, pair.start, pair.end, whole=True)
            elif pair.value is not None and pair.value_start >= 0:
                self._quote(ins, pair.value, pair.value_start, pair.value_end)

    # -- image references -------------------------------------------------------------------
    def _from(self, ins: Instruction, index: int) -> None:
        if not ins.words:
            return
        word = ins.words[0]
        raw = word.text
        if "$" in raw:
            self._empty_base(ins, word.text, word.start, word.end)
            return
        value = unquote(raw, self.escape)
        if value.lower() == "scratch" or value.lower() in self.stage_keys:
            return
        self._reference(ins, value, word.start, word.end, "FROM")

    def _reference(self, ins: Instruction, value: str, start: int, end: int, where: str) -> None:
        if "$" in value:
            return
        if where != "FROM" and (value.lower() in self.stage_keys or _INTEGER.fullmatch(value)):
            return  # a stage, by name or index (family syntax checks the index)
        problem = image_reference_problem(value)
        if problem:
            what = "a stage name or an image" if where != "FROM" else "an image"
            self.add("InvalidImageReference", ins,
                     f"{where} {value!r} is not {what}: {problem}", start, end)

    def _mount_from(self, ins: Instruction, value: str, start: int, end: int) -> None:
        for field in value.split(","):
            key, eq, val = field.partition("=")
            if eq and key.strip().lower() == "from" and val:
                self._reference(ins, val.strip("\"'"), start, end, "--mount from")

    # -- empty base name ------------------------------------------------------------------------
    def _empty_base(self, ins: Instruction, raw: str, start: int, end: int) -> None:
        refs = [r for r in ins.variables if start <= r.start and r.end <= end]
        if not refs:
            return
        covered = sum(r.end - r.start for r in refs if r.word_start < 0 or r.modifier in (":+", "+"))
        if covered != end - start or any(r.modifier not in ("", ":+", "+") for r in refs):
            return
        scopes = self.analysis.scopes
        for ref in refs:
            if scopes.resolve(ref.name, ins).status != "undefined":
                return
        names = ", ".join(dict.fromkeys(r.name for r in refs))
        self.add("EmptyBaseName", ins,
                 f"base name ({raw}) should not be blank: {names} is not declared with ARG before "
                 "the first FROM, so it expands to nothing", start, end)


def findings_of(analysis: "Analysis") -> dict[str, list[Finding]]:
    """Every finding of this module for ``analysis``, computed once and shared by its rules."""
    return computed_once(analysis, "rules.validator", lambda: _Pass(analysis).run()).found


def _register(name: str, family: str, severity: str, summary: str) -> None:
    @rule(name, family=family, severity=severity, summary=summary, fixable=name in _FIXABLE)
    def check(analysis: "Analysis") -> Iterator[Finding]:
        for finding in findings_of(analysis)[name]:
            yield attrs.evolve(finding)

    check.__name__ = f"check_{name}"


for _name, (_family, _severity, _summary) in _RULES.items():
    _register(_name, _family, _severity, _summary)


__all__ = ["findings_of", "image_reference_problem", "unterminated_quote"]

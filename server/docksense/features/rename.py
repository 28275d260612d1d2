"""Rename (and prepareRename) of build stages, variables and heredoc delimiters.

Every occurrence of the symbol changes: declarations, ``$VAR`` and ``${VAR:-x}`` forms,
``FROM stage``, ``COPY --from=stage`` and ``RUN --mount=...,from=stage`` (stage names match
case-insensitively, as BuildKit compares them). A new name BuildKit would refuse, or one
that would merge two symbols, is refused with a message that says why; so is renaming a
variable this file does not declare (``$PATH`` comes from the base image: renaming its uses
would break them). A heredoc delimiter changes in its ``<<NAME`` (quotes kept) and its
terminator line, unless a body line equals the new name (it would end the body early).
"""

from __future__ import annotations

import re
from typing import Optional, Union

import attrs
from lsprotocol import types

from ..analysis import Analysis
from ..analysis.scopes import PLATFORM_ARGS
from .occurrences import HEREDOC, STAGE, VARIABLE, Occurrence, occurrences
from .positions import to_offset
from .spans import ranges

# BuildKit's stage name rule (instructions/parse.go validStageName), applied to the lowered name.
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")
# A name BuildKit's shell lexer reads whole after ``$``: letters, digits, ``_``, not a leading digit.
_VARIABLE_NAME = re.compile(r"^[^\W\d]\w*$")


@attrs.frozen
class Refusal:
    """Why a rename cannot happen here; the server answers it as a request error."""

    message: str


def _at(analysis: Analysis, position: types.Position, encoding: str) -> Optional[Occurrence]:
    return occurrences(analysis).at(to_offset(analysis.lines, position, encoding))


def _check_symbol(analysis: Analysis, found: Optional[Occurrence]) -> Optional[Refusal]:
    if found is None:
        return Refusal("Only build stages, variables and heredoc delimiters can be renamed.")
    if found.kind == HEREDOC and len(occurrences(analysis).same_symbol(found)) < 2:
        return Refusal("This heredoc has no terminator line yet; add it before renaming the delimiter.")
    if not found.renamable:
        return Refusal("`--from` names this stage by its index; rename the stage at its `AS` name.")
    declared = occurrences(analysis).declarations(found)
    if found.kind == VARIABLE and not declared:
        return Refusal(f"{found.name} is not declared in this Dockerfile (it comes from the base image, "
                       f"the builder or the shell), so renaming it here would break it.")
    if found.kind == VARIABLE and found.name in PLATFORM_ARGS:
        return Refusal(f"{found.name} is set by BuildKit for the platform being built; under another name "
                       f"it would be empty.")
    if found.kind == STAGE and not declared:
        return Refusal(f"{found.name} is not a stage of this Dockerfile.")
    return None


def prepare_rename(analysis: Analysis, position: types.Position,
                   encoding: str = "utf-16") -> Union[types.PrepareRenamePlaceholder, Refusal]:
    found = _at(analysis, position, encoding)
    refusal = _check_symbol(analysis, found)
    if refusal is not None:
        return refusal
    assert found is not None
    return types.PrepareRenamePlaceholder(
        range=ranges(analysis, encoding).range(found.start, found.end), placeholder=found.name
    )


def rename(analysis: Analysis, uri: str, position: types.Position, new_name: str, encoding: str = "utf-16",
           version: Optional[int] = None, document_changes: bool = False) -> Union[types.WorkspaceEdit, Refusal]:
    found = _at(analysis, position, encoding)
    refusal = _check_symbol(analysis, found)
    if refusal is not None:
        return refusal
    assert found is not None
    new_name = new_name.strip()
    refusal = _check_name(analysis, found, new_name)
    if refusal is not None:
        return refusal
    edits = [
        types.TextEdit(range=ranges(analysis, encoding).range(item.start, item.end), new_text=new_name)
        for item in occurrences(analysis).same_symbol(found)
        if item.renamable and analysis.text[item.start:item.end] != new_name
    ]
    if document_changes:
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=edits,
            )
        ])
    return types.WorkspaceEdit(changes={uri: edits})


def _check_name(analysis: Analysis, found: Occurrence, new_name: str) -> Optional[Refusal]:
    index = occurrences(analysis)
    symbol = found.symbol
    if found.kind == HEREDOC:
        return _check_delimiter(found, new_name)
    if found.kind == STAGE:
        if not _STAGE_NAME.match(new_name.lower()):
            return Refusal(f"{new_name!r} is not a valid stage name: it must start with a letter and contain only "
                           f"letters, digits, '-', '_' and '.'.")
        for stage in analysis.stages:
            if stage.key == new_name.lower() and ("stage", 0, stage.key) != symbol:
                line = analysis.lines.position(stage.name.start)[0] + 1 if stage.name else 0
                return Refusal(f"A stage named {stage.name.text if stage.name else new_name!r} already exists "
                               f"(line {line}).")
        return None
    if not _VARIABLE_NAME.match(new_name):
        return Refusal(f"{new_name!r} is not a valid variable name: use letters, digits and '_', "
                       f"not starting with a digit.")
    # the new name must not already mean something where the symbol is used
    scopes = {item.stage_index for item in index.same_symbol(found)}
    for other in index.items:
        if other.kind == VARIABLE and other.name == new_name and other.symbol != symbol \
                and other.stage_index in scopes:
            line = analysis.lines.position(other.start)[0] + 1
            return Refusal(f"{new_name} is already used on line {line} in the same scope; renaming would merge "
                           f"two variables.")
    return None


_DELIMITER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _check_delimiter(found: Occurrence, new_name: str) -> Optional[Refusal]:
    if not _DELIMITER.match(new_name):
        return Refusal(f"{new_name!r} is not a usable heredoc delimiter: use letters, digits, '_', '.' and '-', "
                       f"starting with a letter or '_'.")
    ins = found.instruction
    for doc in ins.heredocs if ins is not None else []:
        if doc.name != found.name:
            continue
        for line in doc.content.split("\n"):
            line = line.rstrip("\r")
            if (line.lstrip("\t") if doc.chomp else line) == new_name:
                return Refusal(f"A line of the heredoc body is {new_name!r}: it would end the heredoc there.")
    return None

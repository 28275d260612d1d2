"""Document symbols (the outline) and workspace symbols (stage names across open Dockerfiles).

The outline is a tree, as a multi-stage build reads: global ARGs first, then each stage
(named by its ``AS`` name, else by its index and base image) holding its instructions, with
the keys of ARG, ENV and LABEL as children of their instruction. Clients that cannot show a
tree get the same symbols as a flat list, each naming its container.
"""

from __future__ import annotations

from typing import Iterable, Optional, Union

from lsprotocol import types

from ..analysis import Analysis
from ..analysis.scopes import expand
from ..analysis.stages import Stage
from ..syntax import Instruction, KeyValue
from .spans import ranges

K = types.SymbolKind
_PAIR_KIND = {"ARG": K.Variable, "ENV": K.Variable, "LABEL": K.Property}
_DETAIL_LIMIT = 80


def _detail(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _DETAIL_LIMIT else flat[: _DETAIL_LIMIT - 1] + "…"


def stage_image(analysis: Analysis, stage: Stage) -> str:
    """The stage's base image, with global ARGs substituted where their value is known."""
    if stage.image is None:
        return ""
    image = stage.image.text
    if "$" in image:
        global_args = analysis.scopes.global_args
        image = expand(image, lambda name: global_args[name].value if name in global_args else None)
    return image


def stage_title(analysis: Analysis, stage: Stage) -> str:
    """``build``, or ``stage 1 (golang:1.23)`` for an unnamed stage."""
    if stage.name is not None and stage.name.text:
        return stage.name.text
    image = stage_image(analysis, stage)
    return f"stage {stage.index} ({image})" if image else f"stage {stage.index}"


def _instruction_detail(ins: Instruction) -> str:
    """What follows the keyword, flags included (the first line of a heredoc instruction)."""
    text = ins.joined.text[ins.keyword_index + len(ins.keyword):]
    return _detail(text)


def document_symbols(analysis: Analysis, encoding: str = "utf-16") -> list[types.DocumentSymbol]:
    """The outline (computed once per document version and encoding)."""
    key = ("features.symbols", encoding)
    found = analysis.memo.get(key)
    if found is None:
        found = _document_symbols(analysis, encoding)
        analysis.memo[key] = found
    return found  # type: ignore[return-value]


def _document_symbols(analysis: Analysis, encoding: str) -> list[types.DocumentSymbol]:
    rng = ranges(analysis, encoding).range

    def pair_symbol(ins: Instruction, pair: KeyValue) -> Optional[types.DocumentSymbol]:
        if not pair.key or pair.key_end <= pair.key_start:
            return None
        start = min(pair.start, pair.key_start) if pair.end > pair.start else pair.key_start
        end = max(pair.end, pair.key_end, pair.value_end)
        value = pair.value if pair.value is not None else ""
        detail = f"{ins.name} = {_detail(value)}" if pair.value is not None else ins.name
        return types.DocumentSymbol(
            name=pair.key, kind=_PAIR_KIND.get(ins.name, K.Variable), detail=detail,
            range=rng(start, end), selection_range=rng(pair.key_start, pair.key_end),
        )

    def instruction_symbol(ins: Instruction) -> types.DocumentSymbol:
        children = [s for s in (pair_symbol(ins, p) for p in ins.pairs) if s is not None]
        keyword = ins.name or ins.keyword.upper() or "?"
        if ins.trigger is not None and ins.trigger.name:
            keyword = f"{keyword} {ins.trigger.name}"
        return types.DocumentSymbol(
            name=keyword,
            kind=K.Function,
            detail=_instruction_detail(ins),
            range=rng(ins.start, ins.end),
            selection_range=rng(ins.keyword_start, ins.keyword_end),
            children=children or None,
        )

    out: list[types.DocumentSymbol] = []
    for ins in analysis.preamble:
        if ins.name == "ARG":
            out.extend(s for s in (pair_symbol(ins, p) for p in ins.pairs) if s is not None)
        else:
            out.append(instruction_symbol(ins))
    for stage in analysis.stages:
        first = stage.instruction
        last = stage.instructions[-1]
        name_word = stage.name or stage.image
        selection = rng(name_word.start, name_word.end) if name_word is not None else \
            rng(first.keyword_start, first.keyword_end)
        detail = "FROM " + _instruction_detail(first)
        out.append(types.DocumentSymbol(
            name=stage_title(analysis, stage),
            kind=K.Class,
            detail=detail,
            range=rng(first.start, last.end),
            selection_range=selection,
            children=[instruction_symbol(ins) for ins in stage.instructions[1:]] or None,
        ))
    return out


def flatten(symbols: list[types.DocumentSymbol], uri: str,
            container: Optional[str] = None) -> list[types.SymbolInformation]:
    """The outline as a flat list, for clients without hierarchical symbol support."""
    out: list[types.SymbolInformation] = []
    for symbol in symbols:
        out.append(types.SymbolInformation(
            name=symbol.name, kind=symbol.kind, location=types.Location(uri, symbol.range),
            container_name=container,
        ))
        if symbol.children:
            out.extend(flatten(symbol.children, uri, symbol.name))
    return out


def symbols_for_client(analysis: Analysis, uri: str, hierarchical: bool,
                       encoding: str = "utf-16") -> Union[list[types.DocumentSymbol], list[types.SymbolInformation]]:
    tree = document_symbols(analysis, encoding)
    return tree if hierarchical else flatten(tree, uri)


def _matches(query: str, name: str) -> bool:
    """VS Code's rule of thumb: the query's characters appear in order (case-insensitive)."""
    if not query:
        return True
    name = name.lower()
    pos = 0
    for ch in query.lower():
        pos = name.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def workspace_symbols(documents: Iterable[tuple[str, Analysis]], query: str,
                      encoding: str = "utf-16") -> list[types.SymbolInformation]:
    """Named stages of every open Dockerfile that match ``query``."""
    out: list[types.SymbolInformation] = []
    for uri, analysis in documents:
        container = uri.rstrip("/").rsplit("/", 1)[-1]
        for stage in analysis.stages:
            if stage.name is None or not stage.name.text or not _matches(query, stage.name.text):
                continue
            out.append(types.SymbolInformation(
                name=stage.name.text,
                kind=K.Class,
                location=types.Location(uri, ranges(analysis, encoding).range(stage.name.start, stage.name.end)),
                container_name=container,
            ))
    return out

"""textDocument/completion and completionItem/resolve.

:func:`completion` finds what can stand at the cursor (:mod:`.context`) and asks the module for
that kind of place: instruction keywords (:mod:`.keywords`), directives and pragmas
(:mod:`.directives`), flags and their values (:mod:`.flags`), stages and variables
(:mod:`.references`), images and tags (:mod:`.images`), commands inside shell code
(:mod:`.shell`). Items are cheap (label, detail, text edit); :func:`resolve` adds the
documentation from the explanation engine that hover uses, when the client shows an item.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ...analysis import Analysis
from ...knowledge import KnowledgeBase
from ...knowledge.base import find_part
from .. import markdown as md
from ..positions import to_offset, to_range
from .arguments import argument_candidates
from .context import Context, locate
from .directives import comment_candidates, directive_candidates
from .items import Candidate, ClientSupport
from .keywords import keyword_candidates
from .references import VARIABLE_AT_END, variable_candidates
from .shell import shell_candidates, shell_heredoc

__all__ = ["ClientSupport", "candidates", "completion", "resolve"]


def candidates(analysis: Analysis, kb: KnowledgeBase, offset: int) -> tuple[Context, list[Candidate]]:
    """What to offer at ``offset`` (a document offset), before conversion to LSP items."""
    ctx = locate(analysis, offset)
    if ctx.kind == "keyword":
        typed = ctx.before.lstrip(" \t")
        if ctx.onbuild:
            typed = typed.rsplit(None, 1)[-1] if typed and not typed[-1].isspace() else ""
            typed = typed if typed.isalpha() else ""
        found = [_at(c, ctx.offset - len(typed)) for c in keyword_candidates(analysis, ctx, typed)]
        return ctx, _over_written_keyword(analysis, ctx, found)
    if ctx.kind == "directive":
        return ctx, directive_candidates(analysis, kb, ctx)
    if ctx.kind == "comment":
        return ctx, comment_candidates(analysis, kb, ctx)
    if ctx.kind == "heredoc":
        return ctx, _heredoc(analysis, kb, ctx)
    if ctx.kind == "arguments":
        return ctx, argument_candidates(analysis, kb, ctx)
    return ctx, []


def _over_written_keyword(analysis: Analysis, ctx: Context, found: list[Candidate]) -> list[Candidate]:
    """With the cursor in a keyword that already has arguments after it (``R|UN apt-get``),
    an item replaces the whole keyword and adds no space; snippets are left out."""
    ins = ctx.top
    if ins is not None and ins.name == "ONBUILD" and ins.trigger is not None and ctx.onbuild:
        ins = ins.trigger
    if ins is None or not ins.keyword_start <= ctx.offset <= ins.keyword_end:
        return found
    rest = analysis.text[ins.keyword_end: analysis.lines.ends[analysis.lines.line_of(ctx.offset)]]
    if not rest.strip():
        return found
    out = []
    for candidate in found:
        if candidate.snippet_only:
            continue
        candidate.insert = candidate.label
        candidate.start = ins.keyword_start
        candidate.end = ins.keyword_end
        out.append(candidate)
    return out


def _at(candidate: Candidate, start: int) -> Candidate:
    if candidate.start is None:
        candidate.start = start
    return candidate


def _heredoc(analysis: Analysis, kb: KnowledgeBase, ctx: Context) -> list[Candidate]:
    ins, doc = ctx.instruction, ctx.heredoc
    if ins is None or doc is None:
        return []
    line_text = ctx.before
    match = VARIABLE_AT_END.search(line_text)
    shell = shell_heredoc(analysis, ins, doc)
    if match and (shell or doc.expand):
        return variable_candidates(analysis, ins, match.group(0), ctx.offset - len(match.group(0)))
    if not shell:
        return []
    if line_text.lstrip().startswith("#"):
        return []
    return shell_candidates(analysis, kb, ctx, ins, doc)


def completion(
    analysis: Analysis,
    kb: KnowledgeBase,
    position: types.Position,
    encoding: str = "utf-16",
    client: ClientSupport | None = None,
) -> types.CompletionList:
    client = client or ClientSupport()
    offset = to_offset(analysis.lines, position, encoding)
    ctx, found = candidates(analysis, kb, offset)
    items = []
    seen: set[tuple[str, str]] = set()
    ranges: dict[int, types.Range] = {}  # most items replace the same text: one range each
    word_end = _word_end(analysis, ctx.offset) if client.insert_replace else ctx.offset
    for candidate in found:
        item = _item(analysis, candidate, ctx, encoding, client, ranges, word_end)
        if item is None or (item.label, item.detail or "") in seen:
            continue
        seen.add((item.label, item.detail or ""))
        items.append(item)
    if not client.resolve and len(items) <= INLINE_DOCUMENTATION:
        for item in items:  # a client that never resolves still gets the documentation of a short list
            resolve(item, kb, analysis, client.markdown)
    return types.CompletionList(is_incomplete=False, items=items)


# Lists up to this long carry their documentation for clients that do not resolve items.
INLINE_DOCUMENTATION = 40


def _word_end(analysis: Analysis, offset: int) -> int:
    """Where the word the cursor is in ends (for "replace" of an insert/replace edit)."""
    text = analysis.text
    end = min(offset, len(text))
    while end < len(text) and (text[end].isalnum() or text[end] in "_-."):
        end += 1
    return end


def _item(analysis: Analysis, c: Candidate, ctx: Context, encoding: str, client: ClientSupport,
          ranges: dict[int, types.Range], word_end: int) -> types.CompletionItem | None:
    if c.snippet_only and not client.snippets:
        return None
    start = c.start if c.start is not None else ctx.offset
    if start > ctx.offset or start < ctx.line_start:
        return None
    end = c.end if c.end is not None and c.end >= ctx.offset and analysis.lines.line_of(c.end) == analysis.lines.line_of(start) \
        else ctx.offset
    edit_range = ranges.get(start) if end == ctx.offset else None
    if edit_range is None:
        edit_range = to_range(analysis.lines, start, end, encoding)
        if end == ctx.offset:
            ranges[start] = edit_range
    use_snippet = bool(c.snippet) and client.snippets
    new_text = c.snippet if use_snippet else (c.insert or c.label)
    item = types.CompletionItem(
        label=c.label,
        kind=c.kind,
        detail=c.detail or None,
        sort_text=f"{c.sort}~{c.label}" if c.sort else None,
        filter_text=c.filter or None,
        insert_text_format=types.InsertTextFormat.Snippet if use_snippet else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=edit_range, new_text=new_text),
    )
    if word_end > ctx.offset and end == ctx.offset:
        item.text_edit = types.InsertReplaceEdit(
            new_text=new_text, insert=edit_range,
            replace=types.Range(edit_range.start, to_range(analysis.lines, word_end, word_end, encoding).start))
    if c.documentation:
        item.documentation = _doc(c.documentation, client.markdown)
    if c.deprecated:
        if client.deprecated_tag:
            item.tags = [types.CompletionItemTag.Deprecated]
        else:
            item.deprecated = True
    if c.data:
        item.data = dict(c.data)
    return item


def _doc(text: str, markdown: bool) -> types.MarkupContent:
    if markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return types.MarkupContent(kind=types.MarkupKind.PlainText, value=md.plain(text))


# -- resolve ----------------------------------------------------------------------------------
def resolve(
    item: types.CompletionItem,
    kb: KnowledgeBase,
    analysis: Analysis | None = None,
    markdown: bool = True,
    detail: str = "full",
) -> types.CompletionItem:
    """Fill ``documentation`` from the explanation engine.

    ``data`` names either a knowledge entry (``{"id": "flag:RUN:--mount", "path": ["options",
    "type"]}``) or a place in the document (``{"offset": 123}``: a stage name, a variable's
    definition), which is explained exactly as hover explains it.
    """
    from ..explain import explain_at
    from ..hover import render

    data: Any = item.data
    if item.documentation is not None or not isinstance(data, dict):
        return item
    explanation = None
    offset = data.get("offset")
    if isinstance(offset, int) and analysis is not None and 0 <= offset <= len(analysis.text):
        explanation = explain_at(analysis, kb, offset)
    ident = data.get("id")
    if explanation is None and isinstance(ident, str):
        explanation = _knowledge_explanation(kb, ident, data.get("path") or [], item.label, data.get("tag"))
    if explanation is None or explanation.empty:
        return item
    text = render(explanation, detail)
    item.documentation = _doc(text, markdown)
    return item


def _knowledge_explanation(kb: KnowledgeBase, ident: str, path: list, label: str, tag: Any):
    from ..explain import Explanation

    entry = kb.by_id(ident)
    if entry is None:
        return None
    part = None
    kind = entry.kind
    owner = _owner(entry)
    node: Any = entry
    for index in range(0, len(path) - 1, 2):
        field, key = path[index], path[index + 1]
        parts = getattr(node, field, None)
        if not isinstance(parts, dict):
            return None
        found = find_part(parts, str(key))
        if found is None:
            return None
        if part is not None:  # what follows belongs to the part above it
            above_field, above_key = path[index - 2], path[index - 1]
            owner = f"{entry.name} {above_key}" if above_field == "subcommands" else str(above_key)
        node = part = found[1]
        kind = {"options": "option", "subcommands": "subcommand", "values": "value", "variants": "variant"}.get(field, field)
    title = label if part is not None else entry.name
    what = f"{kind} of {owner}" if part is not None else _entry_kind(entry)
    out = Explanation.from_knowledge(0, 0, title, what, entry, part)
    if isinstance(tag, str) and entry.lifecycle is not None:
        for line in entry.lifecycle.lines:
            if line.line == tag:
                note = f"Release line {md.code(tag)}: support ends {md.escape(line.eol)}"
                out.specifics.append(note + (" (LTS)." if line.lts else "."))
    return out


def _owner(entry) -> str:
    if entry.kind == "mount":
        return f"a {entry.name} mount"
    if entry.kind == "flag":
        return f"{entry.instruction} {entry.name}"
    if entry.kind == "image":
        return f"the {entry.name} image"
    return entry.name


def _entry_kind(entry) -> str:
    return {"flag": f"flag of {entry.instruction}", "mount": "mount type", "arg": "predefined ARG"}.get(entry.kind, entry.kind)

"""Building completion items: one place that knows the client's abilities.

Every item replaces the text typed so far (``start`` .. cursor) through a ``textEdit`` on the
cursor's line, so clients never have to guess word boundaries (``--no-``, ``${NA``,
``type=ca``). Snippet syntax is only sent to clients that announced snippet support; for the
others an item's plain text is used, or the item is left out when it only makes sense as a
snippet. ``data`` carries what ``completionItem/resolve`` needs to fetch documentation.
"""

from __future__ import annotations

from typing import Any

import attrs
from lsprotocol import types

Kind = types.CompletionItemKind


@attrs.define
class ClientSupport:
    """What the client can take, read once from its capabilities."""

    snippets: bool = False
    deprecated_tag: bool = False
    deprecated_field: bool = False
    markdown: bool = True
    resolve: bool = True  # the client asks completionItem/resolve for documentation
    insert_replace: bool = False  # the client takes InsertReplaceEdit (insert here, or replace the word)

    @classmethod
    def from_capabilities(cls, capabilities: types.ClientCapabilities | None) -> ClientSupport:
        try:
            item = capabilities.text_document.completion.completion_item  # type: ignore[union-attr]
        except AttributeError:
            item = None
        if item is None:
            return cls()
        tags = item.tag_support.value_set if item.tag_support else ()
        formats = item.documentation_format or ()
        return cls(
            snippets=bool(item.snippet_support),
            deprecated_tag=types.CompletionItemTag.Deprecated in (tags or ()),
            deprecated_field=bool(item.deprecated_support),
            markdown=not formats or types.MarkupKind.Markdown in formats,
            resolve=item.resolve_support is not None,
            insert_replace=bool(item.insert_replace_support),
        )


@attrs.define
class Candidate:
    """A completion before it becomes an LSP item (offsets, not positions)."""

    label: str
    kind: Kind
    insert: str = ""  # plain text to insert (default: the label)
    snippet: str = ""  # snippet text for clients that support snippets
    snippet_only: bool = False  # leave out for clients without snippets
    detail: str = ""
    documentation: str = ""  # Markdown, filled now (small, file-specific items)
    sort: str = ""  # sort group; items sort by (sort, label)
    filter: str = ""
    deprecated: bool = False
    data: dict[str, Any] | None = None  # for resolve: {"id": entry id, "path": [...], ...}
    start: int | None = None  # overrides the context's replace start
    end: int | None = None  # replace up to here (past the cursor: the rest of the word); default the cursor

"""The shell layer: commands, subcommands, options and their exact offsets in a RUN command.

Hover has to explain every word of ``RUN apt-get install -y --no-install-recommends curl``,
so this module turns the command text (after the Dockerfile layer joined its continuation
lines) into simple commands with exact offsets into that text, and :func:`classify` tells
which word is the command, a subcommand, an option, an option's value or an operand.

Why our own tokenizer and not a real parser
-------------------------------------------
We measured both candidates on every shell-form RUN of the corpus (3,976 commands, 1.8 M
characters; ``bench/eval_shell_parsers.py``, numbers in ``docs/shell-parser-evaluation.md``):

* ``bashlex`` (pure Python) raises on 11 % of the complete commands (it does not implement
  ``case`` at all) and on 24 % of half-typed ones, where hover would then get nothing; it
  needs 5.2 s of CPU for the corpus, and it is GPLv3, which the MIT extension cannot bundle.
* ``tree-sitter-bash`` is fast (0.34 s) and tolerant, but compiled (grammar and core): the
  VS Code extension, which bundles its dependencies, would need a build per platform and
  Python version.
* This module: 0.50 s, never raises, and still finds every command that ends before the
  cut of a half-typed command; on complete commands it flags errors only where tree-sitter
  does too.

Neither candidate meets all three conditions (robust to half-typed input, fast, bundles as
pure Python), so this is a small hand-written tokenizer for the POSIX sh / bash subset that
Dockerfiles use. It never raises, always returns what it could recognise, and reports
problems (an unterminated quote, an unclosed ``if``) in ``errors`` for information only.

Modules
-------
* :mod:`.data`: what the layer produces (:class:`Word`, :class:`SimpleCommand`,
  :class:`ShellScript`, :class:`WordRole`).
* :mod:`.lexer`: the tokenizer; :mod:`.quoting`: quote removal with offsets.
* :mod:`.wrappers`: wrapper commands (``sudo``, ``xargs`` ...) and inline scripts (``sh -c``).
* :mod:`.parser`: tokens to simple commands; :func:`parse_shell` is the entry point.
  :mod:`.mapping` moves what a decoded script (``su -c "... \\"$x\\""``) holds to source offsets.
* :mod:`.classify`: the role of each word of a command (subcommand, option, value, operand).
* :mod:`.references`: every ``$`` reference with the shell's own quoting (``$1`` in
  ``"$(awk '{print $1}')"`` is awk's); :mod:`.variables`: what the shell sets and what each
  reference reads; :mod:`.runs`: the same per instruction, in document offsets, and across
  RUNs (a variable another RUN set is gone).
* :mod:`.window`: the top-level commands around an offset of a huge text (hover in a 1.6 MB RUN).

Design
------
* Scanning is regex-driven: most words are consumed whole by one regex match, so Python
  only looks at the few characters that matter (quotes, ``$``, operators). Every scan is
  linear, whatever the input (see the notes at :data:`_BLANKS_THEN_WORD` and
  :meth:`_Lexer._balanced`).
* Offsets are into the string given to :func:`parse_shell`; ``end`` is exclusive.
* Command and process substitutions, backticks and ``sh -c '...'`` scripts are tokenized in
  place (no copying of text), so their offsets need no mapping.
* Nesting is bounded (:data:`_MAX_DEPTH`): deeper input is swallowed into the current word
  with an error, so hostile input cannot exhaust the stack.
"""

from .classify import classify
from .data import ShellScript, SimpleCommand, Word, WordRole
from .parser import _parse as _parse  # the tests call the parser without its safety net
from .parser import parse_shell

__all__ = ["ShellScript", "SimpleCommand", "Word", "WordRole", "classify", "parse_shell"]

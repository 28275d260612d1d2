"""The explanation engine shared by hover (:mod:`..hover`) and ``docksense explain``.

For an instruction it lists an :class:`Explanation` for every part worth explaining (keyword,
flags and their values, variables, images, stages, commands and options inside the shell
code, paths, ports, signals ...), each with its exact document range. Hover picks the
innermost one under the cursor; ``explain`` prints them all, instruction by instruction.
Everything comes from the knowledge base and from the cached analysis of this file: an unknown
word gets no explanation rather than a guess.
"""

from .collect import explain_at, explain_comment_or_directive, explain_instruction
from .model import Explanation

__all__ = ["Explanation", "explain_at", "explain_comment_or_directive", "explain_instruction"]

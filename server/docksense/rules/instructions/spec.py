"""The family's rule table and BuildKit's instruction and flag specifications."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


FAMILY = "syntax"

KEYWORDS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
)
_KEYWORD_SET = frozenset(KEYWORDS)

BOOL, STRING, STRINGS = "bool", "string", "strings"

# The flags BuildKit registers for each instruction before calling BFlags.Parse (parse.go and
# the RUN pre-hooks). ARG and STOPSIGNAL never parse their flags, and HEALTHCHECK NONE does not
# either, so any flag there is ignored rather than refused: they are absent on purpose.
FLAG_SPECS: dict[str, dict[str, str]] = {
    "ADD": {"chown": STRING, "chmod": STRING, "link": BOOL, "keep-git-dir": BOOL,
            "checksum": STRING, "unpack": BOOL, "exclude": STRINGS},
    "COPY": {"chown": STRING, "from": STRING, "chmod": STRING, "link": BOOL,
             "exclude": STRINGS, "parents": BOOL},
    "FROM": {"platform": STRING},
    "RUN": {"mount": STRINGS, "network": STRING, "security": STRING, "device": STRINGS},
    "HEALTHCHECK": {"interval": STRING, "timeout": STRING, "start-period": STRING,
                    "start-interval": STRING, "retries": STRING},
    "ENV": {}, "LABEL": {}, "MAINTAINER": {}, "ONBUILD": {}, "WORKDIR": {}, "CMD": {},
    "ENTRYPOINT": {}, "EXPOSE": {}, "USER": {}, "VOLUME": {}, "SHELL": {},
}

# Instructions whose arguments go through BuildKit's shell lexer (variables and quotes).
_EXPANDED = frozenset({"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER",
                       "VOLUME", "WORKDIR", "ARG"})
# Flag values that go through the lexer too.
_EXPANDED_FLAGS = {"ADD": ("chown", "chmod", "checksum"), "COPY": ("chown", "chmod", "from"),
                   "FROM": ("platform",), "RUN": ("mount",)}

_DURATION_FLAGS = ("interval", "timeout", "start-period", "start-interval")
_STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*")
_TRIGGER_NOTE = " (in an ONBUILD trigger: the build of every image based on this one fails)"

_RULES: dict[str, tuple[str, str]] = {
    "UnknownInstruction": ("error", "A keyword that is not a Dockerfile instruction"),
    "UnknownFlag": ("error", "A flag the instruction does not accept"),
    "DuplicateFlag": ("error", "A flag given twice where BuildKit accepts it once"),
    "FlagMissingValue": ("error", "A flag that needs a value written without one"),
    "InvalidBooleanFlag": ("error", "A boolean flag with a value other than true or false"),
    "InvalidDuration": ("error", "A HEALTHCHECK duration BuildKit cannot read or below 1ms"),
    "InvalidRetries": ("error", "A HEALTHCHECK --retries value that is not a non-negative integer"),
    "InvalidFlagValue": ("error", "A flag value BuildKit refuses (network, security, chmod, platform, ...)"),
    "WrongArgumentCount": ("error", "An instruction with too few or too many arguments"),
    "ShellRequiresJson": ("error", "SHELL written in shell form instead of a JSON array"),
    "EmptyKeyName": ("error", "An ENV, LABEL or ARG entry with an empty name"),
    "EmptyVolumePath": ("error", "A VOLUME entry that is an empty string"),
    "UnsupportedModifier": ("error", "A ${...} substitution BuildKit's lexer cannot process"),
    "InvalidStageName": ("error", "A build stage name BuildKit does not accept"),
    "FromExpectedAs": ("error", "A FROM whose second argument is not AS"),
    "HeredocDestination": ("error", "A heredoc used as the destination of COPY or ADD"),
    "CopyDestinationNotDirectory": ("warning", "Several COPY/ADD sources with a destination not ending in /"),
    "CopyRemoteSource": ("error", "COPY given a URL or Git source, which only ADD can fetch"),
    "ForwardStageReference": ("error", "COPY --from or a mount naming a stage not built yet"),
    "InvalidExposePort": ("error", "An EXPOSE port, range or protocol BuildKit refuses"),
    "InvalidStopSignal": ("error", "A STOPSIGNAL that is not a signal name or number"),
    "InvalidHealthcheck": ("error", "A HEALTHCHECK with an unknown type or a missing command"),
    "InvalidMount": ("error", "A RUN --mount option BuildKit refuses"),
    "MountTargetMissing": ("warning", "A bind, cache or tmpfs mount without a target"),
    "OnbuildChaining": ("error", "ONBUILD ONBUILD, which BuildKit refuses"),
    "OnbuildDisallowedTrigger": ("error", "ONBUILD FROM or ONBUILD MAINTAINER, which BuildKit refuses"),
    "NoFromInstruction": ("error", "An instruction other than ARG before the first FROM, or no FROM at all"),
}
_ALIASES = {
    "CopyDestinationNotDirectory": ("DL3021",),
    "InvalidExposePort": ("DL3011",),
    "OnbuildDisallowedTrigger": ("DL3043",),
    "NoFromInstruction": ("DL3061",),
    "ForwardStageReference": ("DL3023",),
}
_FIXABLE = frozenset({"UnknownInstruction", "UnknownFlag", "DuplicateFlag",
                      "CopyDestinationNotDirectory", "CopyRemoteSource"})

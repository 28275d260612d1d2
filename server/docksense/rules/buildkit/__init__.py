"""Family ``buildkit``: BuildKit's 22 build checks (``docker build --check``), offline.

Each rule carries BuildKit's exact check name and reports what BuildKit's linter reports, read
from moby/buildkit: ``frontend/dockerfile/linter/ruleset.go`` (the checks),
``instructions/parse.go`` (checks run while instructions are parsed),
``dockerfile2llb/convert.go`` and ``validations.go`` (checks run while stages are dispatched),
and the cases of ``frontend/dockerfile/dockerfile_check_test.go``. Where BuildKit reports a
whole instruction, the finding here marks the offending token (the stage name, the ``as``
word, the variable name, the flag, the port...), so the editor points at what to change.

Three places where BuildKit knows more than a file does, and what is done about it:

* **Base-image facts.** BuildKit pulls each base image's config: its ENV (for UndefinedVar and
  for the values of ``$VAR`` in WORKDIR, COPY, EXPOSE), its SHELL (JSONArgsRecommended) and its
  platform (InvalidBaseImagePlatform). Offline, the environment of ``scratch`` and of the
  images known to set nothing but ``PATH`` (alpine, busybox, debian, ubuntu) is known; for
  any other image an undefined name may come from the image, so UndefinedVar reports it only
  when the file itself gives it away: it is a predefined platform ARG, or, unless it is a
  variable images commonly set (the knowledge base's ``env`` entries), it is declared
  somewhere in the file (a global ARG not re-declared, an ARG declared further down) or it is
  within two edits of a defined name. A value that depends on an unknown image variable is
  treated as unknown, and the checks that need it (WORKDIR, EXPOSE, COPY sources) stay silent.
* **InvalidBaseImagePlatform** needs the platform of the pulled image. It is decidable offline
  only when ``FROM --platform=<constant>`` contradicts a platform that is also fixed in the
  file: a base *stage* pinned to another platform (BuildKit then silently builds on the base
  stage's platform and ignores the flag), or a Docker Hub per-architecture repository
  (``arm64v8/alpine``, ``amd64/debian`` ...), which holds a single platform. Without a constant
  ``--platform`` the expected platform is the build's target, which a file does not know.
* **Build arguments and the build machine.** ``--build-arg`` values are not known; checks use
  the ARG defaults, as BuildKit's linter does for InvalidDefaultArgInFrom. The predefined
  platform ARGs take the values of a ``linux/amd64`` build.

BuildKit stops at the first error in a file and then skips the checks that run later; here
every check runs on whatever the file holds, so an editor shows all problems at once.
Suppression (``# check=skip=...``) is the engine's job; each finding carries the line of its
instruction for it.

Each check lives in the module named after it (``UndefinedVar`` in ``undefined_var.py``...);
the facts they read (stages, expanded words, the dispatch state, platforms, the build
context) are analysis products: ``Analysis.build``, ``Analysis.platforms``,
``Analysis.context``. No check here parses or expands text itself.
"""

from . import (  # noqa: F401  (each module registers its check)
    consistent_instruction_casing,
    copy_ignored_file,
    duplicate_stage_name,
    expose_invalid_format,
    expose_proto_casing,
    from_as_casing,
    from_platform_flag_const_disallowed,
    invalid_base_image_platform,
    invalid_default_arg_in_from,
    invalid_definition_description,
    json_args_recommended,
    legacy_key_value_format,
    maintainer_deprecated,
    multiple_instructions_disallowed,
    no_empty_continuation,
    redundant_target_platform,
    reserved_stage_name,
    secrets_used_in_arg_or_env,
    stage_name_casing,
    undefined_arg_in_from,
    undefined_var,
    workdir_relative_path,
)
from .common import FAMILY, SEVERITY

__all__ = ["FAMILY", "SEVERITY"]

"""Family ``practice``: hadolint's Dockerfile best practices, on the exact words they concern.

Each rule re-implements the condition of one hadolint check (``src/Hadolint/Rule/DLxxxx.hs``
in hadolint/hadolint) and carries its code as an alias, so ``# hadolint ignore=DL3008``,
``.hadolint.yaml`` and ``# check=skip=DL3008`` keep working. Checks that BuildKit or the
syntax family already make are not repeated here (DL3000, DL3011, DL3012, DL3021, DL3023,
DL3024, DL3025, DL3043, DL3061, DL3063, DL3064, DL3065, DL4000, DL4003, DL4004).

Where this differs from hadolint, on purpose:

* **Commands are read with the shell layer** (:mod:`docksense.analysis.shell`), not with
  ShellCheck's view of the RUN line: ``sudo apt-get install`` is an ``apt-get`` command
  (hadolint sees only ``sudo``), ``sh -c "pip install x"`` and heredoc scripts are read too,
  and an option the knowledge base knows to take a value (``apt-get -o X install``) does not
  make its value look like a package or a subcommand. Findings point at the word concerned
  (the ``install`` subcommand, each unpinned package, the ``cd``, the ``|``), not at the
  whole instruction.
* **Words holding an expansion** (``$PACKAGES``, ``$(cat list)``) are not judged by the
  pinning and ADD rules: their value is unknown before the build, and hadolint's verdict on
  them is a guess.
* **Known false positives are avoided**: ``cd`` inside a subshell or ``sh -c`` (it cannot
  leak into later commands), a pipe after ``set -o pipefail`` in the same RUN, SHELL
  inherited from a base stage, ``go run main.go``. Clean-up commands are recognised in
  their usual spellings (``rm -fr``, ``rm -rf /var/lib/apt/lists``), not only hadolint's
  exact ``rm -rf /var/lib/apt/lists/*``.
* **Severities**: hadolint's ``error`` becomes ``warning`` here, because docksense keeps
  ``error`` for what fails the build; version-pinning rules and DL3059 are ``hint`` (they
  are right in spirit and noisy in practice); hadolint's ``style`` is ``hint`` and ``info``
  is ``information``.

All rules share one model per analysis (:func:`.model.model_of`): every RUN is parsed once, commands
are indexed by program name and classified only when a rule asks, so the family stays linear
in the size of the file.

One module per rule or tight theme, named after it (``CdInsteadOfWorkdir`` lives in
``cd_instead_of_workdir.py``, the apt rules in ``apt.py``).
"""

from . import (  # noqa: F401  (each module registers its rules)
    apk,
    apt,
    cd_instead_of_workdir,
    command_pointless_in_build,
    consecutive_run_instructions,
    copy_add,
    env_same_instruction_reference,
    from_platform_flag,
    gem_pin_versions,
    go_install_pin_versions,
    hadolint_config_invalid,
    healthcheck_missing,
    images,
    inline_ignore_pragma,
    label_schema,
    labels,
    npm_pin_versions,
    pip,
    pipefail_missing,
    registry_not_trusted,
    shell_replaced_with_ln,
    sudo_in_run,
    user,
    useradd_without_no_log_init,
    wget_curl,
    yarn_cache_clean,
    yum_dnf_zypper,
)

"""COPY and ADD: AddForLocalFiles, CopyFromUnknownStage, CopyRelativeWithoutWorkdir,
CopyEntireFilesystem, CopyThenExtractArchive.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ...analysis.shell import Word
from ...analysis.stages import stage_named
from ...syntax import Instruction
from ...syntax.words import unquote
from ..model import Edit, Finding, Fix
from ..registry import rule
from .common import (
    copy_paths,
    found_at,
    is_archive,
    is_remote,
)
from .model import FAMILY, Cmd, basename, model_of

if TYPE_CHECKING:
    from ...analysis import Analysis
    from ...analysis.stages import Stage

# Flags COPY accepts too: an ADD using only these can become a COPY unchanged.
_COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})

@rule("AddForLocalFiles", family=FAMILY, severity="warning", aliases=("DL3020",), fixable=True,
      summary="ADD of local files or folders, where COPY does the same without ADD's surprises.")
def check_add_for_local_files(analysis: "Analysis") -> Iterator[Finding]:
    """ADD also fetches URLs and unpacks archives; for plain files COPY says what happens.

    The fix is safe only when no source can be an archive or a URL (no variables either)
    and ADD has no flag COPY lacks.
    """
    for ins in analysis.tree.instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.name != "ADD" or target.heredocs:
            continue
        paths = copy_paths(target)
        sources = paths[:-1]
        if not sources:
            continue
        local = [w for w in sources if "$" not in w.text and not is_archive(w.text) and not is_remote(w.text)]
        if not local:
            continue
        fix = None
        if len(local) == len(sources) and all(f.name.lower() in _COPY_FLAGS for f in target.flags):
            keyword = analysis.text[target.keyword_start:target.keyword_end]
            if keyword.upper() == "ADD":
                copy = "COPY" if keyword.isupper() else "copy" if keyword.islower() else "Copy"
                fix = Fix("Use COPY", [Edit(target.keyword_start, target.keyword_end, copy)],
                          preferred=True, safe=True)
        yield found_at("AddForLocalFiles",
                       "Use COPY for local files and folders: ADD also downloads URLs and unpacks "
                       "archives, so it hides what this step does.",
                       (target.keyword_start, target.keyword_end), ins, fix)


@rule("CopyFromUnknownStage", family=FAMILY, severity="warning", aliases=("DL3022",),
      summary="COPY --from names neither an earlier stage nor a tagged image.")
def check_copy_from_unknown_stage(analysis: "Analysis") -> Iterator[Finding]:
    """``--from=name`` that is not an earlier stage is pulled as an image: often a typo, or an
    image without a tag. Stages defined later are ForwardStageReference's business."""
    stages = analysis.stages
    later: dict[str, int] = {}
    for stage in stages:
        if stage.key and stage.key not in later:
            later[stage.key] = stage.index
    for stage in stages:
        for ins in stage.instructions:
            if ins.name != "COPY":
                continue
            flag = ins.flag("from")
            if flag is None or not flag.value:
                continue
            value = unquote(flag.value)
            if not value or "$" in value or ":" in value or "@" in value or value.isdigit():
                continue
            key = value.lower()
            if key in later:
                continue  # an earlier stage, or ForwardStageReference's finding
            yield found_at("CopyFromUnknownStage",
                           f"'{value}' is not the name of an earlier stage, so BuildKit pulls it as the "
                           f"image {value}:latest: fix the stage name, or give the image a tag.",
                           (flag.value_start, flag.value_end), ins)


@rule("CopyRelativeWithoutWorkdir", family=FAMILY, severity="warning", aliases=("DL3045",),
      summary="COPY to a relative destination in a stage that has not set WORKDIR.")
def check_copy_relative_without_workdir(analysis: "Analysis") -> Iterator[Finding]:
    """A relative destination lands in the base image's working directory, which the
    Dockerfile does not show and a new base image may change.

    A WORKDIR counts in the stage and in every stage built on it, however deep; a stage
    built FROM scratch works in ``/``, which no base image can change."""
    with_workdir: set[int] = set()
    for stage in analysis.stages:
        has = stage.base_stage is not None and stage.base_stage.index in with_workdir
        # FROM scratch has no image config: the working directory is / and stays so
        if stage.base_stage is None and stage.image is not None and stage.image.text.lower() == "scratch":
            has = True
        for ins in stage.instructions:
            if ins.name == "WORKDIR":
                has = True
            if has:
                with_workdir.add(stage.index)
            if ins.name != "COPY" or has:
                continue
            paths = copy_paths(ins)
            if len(paths) < 2:
                continue
            dest = paths[-1]
            value = dest.text.strip("'\"")
            if value.startswith(("/", "$")) or re.match(r"[A-Za-z]:", value):
                continue
            yield found_at("CopyRelativeWithoutWorkdir",
                           f"'{dest.text}' is relative, and this stage has not set WORKDIR: the files land "
                           "in whatever directory the base image uses. Set WORKDIR first or use an "
                           "absolute path.", (dest.start, dest.end), ins)


@rule("CopyEntireFilesystem", family=FAMILY, severity="warning", aliases=("DL3067",),
      summary="COPY --from=stage / /: the whole filesystem of another stage copied over this one.")
def check_copy_entire_filesystem(analysis: "Analysis") -> Iterator[Finding]:
    """Copying ``/`` over ``/`` replaces the system of this stage, including /etc and /proc
    mount points, and carries every build leftover of the other stage.

    Not flagged where it is the point: a stage FROM scratch assembling a root filesystem,
    or a source stage built FROM scratch (a purpose-built filesystem, nothing else in it).
    """
    for ins in analysis.tree.instructions:
        flag = ins.flag("from")
        if ins.name != "COPY" or flag is None:
            continue
        stage = analysis.stage_of(ins)
        if stage is not None and _from_scratch(stage):
            continue
        source = stage_named(analysis.stages, unquote(flag.value or ""), stage.index if stage else None)
        if source is not None and _from_scratch(source):
            continue
        paths = copy_paths(ins)
        if len(paths) < 2 or paths[-1].text.strip("'\"") != "/":
            continue
        root = next((w for w in paths[:-1] if w.text.strip("'\"") == "/"), None)
        if root is not None:
            yield found_at("CopyEntireFilesystem",
                           "This copies the other stage's entire filesystem over this one: copy only "
                           "the directories the image needs.", (root.start, root.end), ins)


def _from_scratch(stage: "Stage") -> bool:
    """Whether a stage's chain of base stages starts FROM scratch."""
    seen = 0
    while stage.base_stage is not None and seen < 10_000:
        stage, seen = stage.base_stage, seen + 1
    return stage.image is not None and stage.image.text.lower() == "scratch"


def _extracts(cmd: Cmd) -> bool:
    """tar in extract mode, or one of the decompressors hadolint knows."""
    if cmd.name == "tar":
        args = cmd.arg_texts()
        if any(a in ("--extract", "--get") for a in args):
            return True
        if any(a.startswith("-") and not a.startswith("--") and "x" in a for a in args):
            return True
        return bool(args) and not args[0].startswith("-") and "x" in args[0] and args[0].isalpha()
    return cmd.name in ("unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat")


@rule("CopyThenExtractArchive", family=FAMILY, severity="information", aliases=("DL3010",),
      summary="An archive copied with COPY and then unpacked in a RUN: ADD unpacks it in one step.")
def check_copy_then_extract_archive(analysis: "Analysis") -> Iterator[Finding]:
    """COPY then tar -x keeps the archive in a layer; ADD unpacks local tar archives itself."""
    runs = {id(run.top): run for run in model_of(analysis).runs if not run.trigger}
    for stage in analysis.stages:
        archives: list[tuple[str, Word, Instruction]] = []
        reported: set[int] = set()
        for ins in stage.instructions:
            if ins.name == "COPY" and ins.flag("from") is None and not ins.heredocs:
                paths = copy_paths(ins)
                if len(paths) >= 2:
                    dest = paths[-1]
                    if is_archive(dest.text):
                        archives.append((basename(unquote(dest.text).strip("'\"")), dest, ins))
                    else:
                        archives.extend((basename(unquote(w.text).strip("'\"")), w, ins) for w in paths[:-1]
                                        if is_archive(w.text) and "$" not in w.text)
                continue
            run = runs.get(id(ins))
            if run is None or not archives:
                continue
            for cmd in run.cmds:
                if not _extracts(cmd):
                    continue
                names = {basename(w.text) for w in cmd.args if not w.text.startswith("-")}
                for name, word, copy in archives:
                    if name in names and id(word) not in reported:
                        reported.add(id(word))
                        yield found_at("CopyThenExtractArchive",
                                       f"'{name}' is copied and then unpacked in a RUN, which keeps the "
                                       "archive in a layer: ADD unpacks a local tar archive by itself.",
                                       (word.start, word.end), copy)

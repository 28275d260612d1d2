"""hadolint's own rule tests, run against docksense.

hadolint keeps one Hspec file per rule (``test/Hadolint/Rule/DLxxxxSpec.hs`` in
hadolint/hadolint). Each assertion there is a Dockerfile snippet and what the rule must
report for it: ``ruleCatches`` (at least one finding), ``ruleCatchesNot`` (none),
``onBuildRuleCatches`` / ``onBuildRuleCatchesNot`` (the same with every RUN wrapped in
ONBUILD; the first expects exactly one finding), and ``assertChecks`` with ``failsWith N``
(exactly N). Some set a configuration first (``allowedRegistries``, ``labelSchema``,
``strictLabels``).

Two steps:

``extract --repo DIR``
    Reads the spec files of a hadolint checkout (a git directory: ``git show HEAD:...``, or
    a work tree) with a small reader for the Haskell they use (string literals with their
    escapes, lists, ``Text.unlines``, ``<>``, ``let`` bindings, the ``?config`` record) and
    writes the cases, with the commit they come from, to ``tests/data/hadolint_specs.json``.
    Those are facts about hadolint's expected behaviour, kept so the test runs offline.

``run [--rule DL3008] [--failures]``
    Runs docksense on every case, exactly as written, and prints the pass rate per rule and
    overall. A case's configuration becomes a ``.hadolint.yaml`` beside the snippet (so the
    real configuration reader is exercised); every docksense rule is switched on, as
    hadolint's test harness runs every rule whatever its default severity. A finding counts
    for a DL code when its rule carries that code as an alias.

    python bench/hadolint_specs.py extract --repo /work/.mirror/hadolint+hadolint/repo
    python bench/hadolint_specs.py run --failures
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "hadolint_specs.json"
SOURCE = "https://github.com/hadolint/hadolint/tree/{commit}/test/Hadolint/Rule"

ASSERTIONS = {
    "ruleCatches": ("some", False),
    "ruleCatchesNot": (0, False),
    "onBuildRuleCatches": (1, True),
    "onBuildRuleCatchesNot": (0, True),
}


# -- reading the Haskell the specs use ----------------------------------------------------------
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.|\\\s+\\)*")'
    r"|(?P<comment>--[^\n]*)"
    r"|(?P<name>\??[A-Za-z_][A-Za-z0-9_'.]*)"
    r"|(?P<number>\d+)"
    r"|(?P<op><>|\$|=|,|\(|\)|\[|\]|\{|\}|::)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "&": "", "a": "\a", "0": "\0"}


def haskell_string(literal: str) -> str:
    """The value of a Haskell string literal (escapes and string gaps)."""
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt.isspace():  # a string gap: backslash, blanks, backslash
            i = body.index("\\", i + 1) + 1
            continue
        if nxt.isdigit():
            digits = re.match(r"\d+", body[i + 1:]).group(0)  # type: ignore[union-attr]
            out.append(chr(int(digits)))
            i += 1 + len(digits)
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return "".join(out)


class Tok:
    __slots__ = ("kind", "text", "pos", "col")

    def __init__(self, kind: str, text: str, pos: int, col: int):
        self.kind, self.text, self.pos, self.col = kind, text, pos, col


def tokenize(source: str) -> list[Tok]:
    out = []
    line_start = 0
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "other"
        text = match.group(0)
        if kind == "space":
            newline = text.rfind("\n")
            if newline >= 0:
                line_start = match.start() + newline + 1
            continue
        if kind == "comment":
            continue
        out.append(Tok(kind, text, match.start(), match.start() - line_start))
    return out


class Unsupported(Exception):
    pass


class Reader:
    """Evaluates the expressions a spec passes to its assertions."""

    def __init__(self, toks: list[Tok]):
        self.toks = toks
        # name -> [(token index of the binding, column, expression start)]
        self.bindings: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self.its: list[tuple[int, int]] = []  # (token index, column) of each `it`
        for i, tok in enumerate(toks):
            if tok.kind == "name" and i + 1 < len(toks) and toks[i + 1].text == "=" and i > 0:
                prev = toks[i - 1]
                if prev.text == "let":
                    self.bindings[tok.text].append((i, prev.col, i + 2))
                elif tok.col <= prev.col or prev.text in ("in", "do"):
                    self.bindings[tok.text].append((i, tok.col, i + 2))
            if tok.kind == "name" and tok.text == "it":
                self.its.append((i, tok.col))

    def enclosing_it(self, at: int) -> tuple[int, int]:
        best = (0, -1)
        for index, col in self.its:
            if index < at:
                best = (index, col)
        return best

    def lookup(self, name: str, at: int) -> Optional[int]:
        """Where the binding of ``name`` visible at token ``at`` starts."""
        it_index, it_col = self.enclosing_it(at)
        for index, col, start in reversed(self.bindings.get(name, [])):
            if index >= at:
                continue
            if index > it_index or col < it_col or it_col < 0:
                return start
        return None

    # expression := application ('<>' application)*
    def expr(self, i: int, at: int) -> tuple[Any, int]:
        value, i = self.application(i, at)
        while i < len(self.toks) and self.toks[i].text == "<>":
            right, i = self.application(i + 1, at)
            value = value + right
        return value, i

    def application(self, i: int, at: int) -> tuple[Any, int]:
        tok = self.toks[i]
        if tok.kind == "name" and tok.text in ("Text.unlines", "unlines", "T.unlines"):
            items, i = self.argument(i + 1, at)
            return "".join(item + "\n" for item in items), i
        if tok.kind == "name" and tok.text in ("Text.intercalate", "T.intercalate"):
            sep, i = self.argument(i + 1, at)
            items, i = self.argument(i, at)
            return sep.join(items), i
        if tok.kind == "name" and tok.text in ("Text.concat", "T.concat", "mconcat"):
            items, i = self.argument(i + 1, at)
            return "".join(items), i
        if tok.kind == "name" and tok.text in ("Text.pack", "T.pack"):
            return self.argument(i + 1, at)
        return self.atom(i, at)

    def argument(self, i: int, at: int) -> tuple[Any, int]:
        if self.toks[i].text == "$":
            return self.expr(i + 1, at)
        return self.atom(i, at)

    def atom(self, i: int, at: int) -> tuple[Any, int]:
        tok = self.toks[i]
        if tok.kind == "string":
            return haskell_string(tok.text), i + 1
        if tok.text == "(":
            value, i = self.expr(i + 1, at)
            if self.toks[i].text != ")":
                raise Unsupported(f"expected ) at {self.toks[i].pos}")
            return value, i + 1
        if tok.text == "[":
            items = []
            i += 1
            while self.toks[i].text != "]":
                value, i = self.expr(i, at)
                items.append(value)
                if self.toks[i].text == ",":
                    i += 1
            return items, i + 1
        if tok.kind == "name":
            start = self.lookup(tok.text, at)
            if start is None:
                raise Unsupported(f"unknown name {tok.text}")
            value, _ = self.expr(start, start)
            return value, i + 1
        raise Unsupported(f"cannot read {tok.text!r} at {tok.pos}")


def _config_at(source: str, reader: Reader, at: int) -> dict[str, Any]:
    """The ``?config`` record in force at token ``at``, as .hadolint.yaml keys."""
    start = reader.lookup("?config", at)
    if start is None:
        return {}
    toks = reader.toks
    # the record runs from `def` to its closing brace (or is plain `def`)
    if toks[start].text != "def" or toks[start + 1].text != "{":
        return {}
    depth, j = 0, start + 1
    while True:
        if toks[j].text in ("{", "[", "("):
            depth += 1
        elif toks[j].text in ("}", "]", ")"):
            depth -= 1
            if depth == 0:
                break
        j += 1
    record = source[toks[start + 1].pos + 1: toks[j].pos]
    config: dict[str, Any] = {}
    registries = re.search(r"allowedRegistries\s*=\s*\[(.*?)\]", record, re.S)
    if registries:
        config["trustedRegistries"] = [haskell_string(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', registries.group(1))]
    schema = re.search(r"labelSchema\s*=\s*Map\.fromList\s*\[(.*)\]", record, re.S)
    if schema:
        types = {"RawText": "text", "Url": "url", "Rfc3339": "rfc3339", "Spdx": "spdx", "GitHash": "hash",
                 "SemVer": "semver", "Email": "email"}
        config["label-schema"] = {
            haskell_string(key): types[kind.split(".")[-1]]
            for key, kind in re.findall(r'\(\s*("(?:[^"\\]|\\.)*")\s*,\s*([A-Za-z0-9.]+)\s*\)', schema.group(1))
        }
    if re.search(r"strictLabels\s*=\s*True", record):
        config["strict-labels"] = True
    return config


def extract_file(name: str, source: str) -> list[dict[str, Any]]:
    toks = tokenize(source)
    reader = Reader(toks)
    cases: list[dict[str, Any]] = []
    for i, tok in enumerate(toks):
        if tok.kind != "name":
            continue
        try:
            if tok.text in ASSERTIONS and toks[i + 1].kind in ("string", "name"):
                expect, onbuild = ASSERTIONS[tok.text]
                code, j = reader.atom(i + 1, i)
                if not (isinstance(code, str) and code.startswith("DL")):
                    continue
                text, _ = reader.argument(j, i)
            elif tok.text in ("assertChecks", "assertOnBuildChecks"):
                onbuild = tok.text == "assertOnBuildChecks"
                text, j = reader.argument(i + 1, i)
                # (failsWith N "DLxxxx") or passesAllEnabled etc.
                if toks[j].text == "(":
                    j += 1
                if toks[j].text != "failsWith":
                    continue
                expect = int(toks[j + 1].text)
                code, _ = reader.atom(j + 2, i)
            else:
                continue
        except (Unsupported, IndexError) as exc:
            print(f"{name}: skipped an assertion near offset {tok.pos}: {exc}", file=sys.stderr)
            continue
        it_index, _ = reader.enclosing_it(i)
        title = haskell_string(toks[it_index + 1].text) if toks[it_index + 1].kind == "string" else ""
        case: dict[str, Any] = {"rule": code, "it": title, "dockerfile": text, "onbuild": onbuild,
                                "expect": expect}
        config = _config_at(source, reader, i)
        if config:
            case["config"] = config
        cases.append(case)
    return cases


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def extract(repo: Path) -> dict[str, Any]:
    commit = _git(repo, "rev-parse", "HEAD").strip()
    names = [n for n in _git(repo, "ls-tree", "--name-only", "HEAD", "test/Hadolint/Rule/").split()
             if re.search(r"/DL\d+Spec\.hs$", n)]
    cases = []
    for name in sorted(names):
        cases.extend(extract_file(name, _git(repo, "show", f"HEAD:{name}")))
    return {
        "source": SOURCE.format(commit=commit),
        "commit": commit,
        "note": "Assertions of hadolint's rule specs (test/Hadolint/Rule/DL*Spec.hs), extracted by "
                "bench/hadolint_specs.py: snippet, ONBUILD wrapping, expected finding count ('some' "
                "= at least one) and configuration as .hadolint.yaml keys.",
        "cases": cases,
    }


# -- running docksense on them -----------------------------------------------------------------
def wrap_in_onbuild(text: str) -> str:
    """hadolint's ``wrapInOnBuild``: every RUN instruction becomes ``ONBUILD RUN``."""
    out = []
    continued = False
    for line in text.split("\n"):
        if not continued and re.match(r"\s*RUN\b", line, re.I):
            line = re.sub(r"^(\s*)", r"\1ONBUILD ", line, count=1)
        stripped = line.rstrip()
        continued = stripped.endswith("\\") or (continued and (not stripped or stripped.startswith("#")))
        out.append(line)
    return "\n".join(out)


def counts(text: str, config: dict[str, Any], folder: Path) -> dict[str, int]:
    """Findings per DL code for one snippet."""
    import yaml

    from docksense.analysis import Analysis
    from docksense.rules import RULES, RuleConfig, run_rules

    sub = folder / f"case{len(list(folder.iterdir()))}"
    sub.mkdir()
    if config:
        (sub / ".hadolint.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    path = sub / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    rules = RuleConfig(severity={name: "information" for name, r in RULES.items()},
                       experimental=["all"], workspace_root=sub)
    out: dict[str, int] = defaultdict(int)
    analysis = Analysis(text, path)
    for finding in run_rules(analysis, rules):
        rule = RULES.get(finding.rule)
        if rule is None:
            continue
        code = next((a for a in rule.aliases if a.startswith("DL")), None)
        if finding.rule in _CODE_OF:
            code = _CODE_OF[finding.rule](finding.message) or code
        if finding.rule in _BY_INSTRUCTION:
            ins = analysis.tree.instruction_at(finding.start)
            code = _BY_INSTRUCTION[finding.rule].get(ins.name if ins is not None else "", code)
        if code:
            out[code] += 1
    return out


# BuildKit refusals that carry no hadolint code (they cannot be silenced, so no alias is
# needed) but implement a hadolint rule's case: the code hadolint gives the same finding.
_CODE_OF = {
    "OnbuildChaining": lambda message: "DL3043",  # ONBUILD ONBUILD
    "ForwardStageReference": lambda message: "DL3022" if "defined later" in message else None,
}

# Rules with several aliases: which alias a finding stands for, by its instruction.
_BY_INSTRUCTION = {
    "MultipleInstructionsDisallowed": {"CMD": "DL4003", "ENTRYPOINT": "DL4004", "HEALTHCHECK": "DL3012"},
}


def passes(case: dict[str, Any], folder: Path) -> tuple[bool, int]:
    text = case["dockerfile"] + "\n"
    if case["onbuild"]:
        text = wrap_in_onbuild(text)
    found = counts(text, case.get("config", {}), folder).get(case["rule"], 0)
    expect = case["expect"]
    ok = found >= 1 if expect == "some" else found == expect
    return ok, found


def run(only: Optional[str], show_failures: bool) -> float:
    sys.path.insert(0, str(ROOT / "server"))
    data = json.loads(DATA.read_text(encoding="utf-8"))
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in data["cases"]:
            if only and case["rule"] != only:
                continue
            ok, found = passes(case, folder)
            per_rule[case["rule"]][0] += ok
            per_rule[case["rule"]][1] += 1
            if not ok:
                failures.append((case, found))
    passed = sum(p for p, _ in per_rule.values())
    total = sum(t for _, t in per_rule.values())
    for code in sorted(per_rule):
        p, t = per_rule[code]
        if p != t or only:
            print(f"{code}: {p}/{t}")
    if show_failures:
        for case, found in failures:
            print(f"--- {case['rule']} {case['it']!r}: expected {case['expect']}, found {found}"
                  f"{' (ONBUILD)' if case['onbuild'] else ''} {case.get('config', '')}")
            print(case["dockerfile"])
    rate = passed / total if total else 0.0
    print(f"{passed}/{total} cases pass ({rate:.1%}) over {len(per_rule)} rules; source {data['source']}")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("extract")
    ex.add_argument("--repo", type=Path, required=True, help="hadolint's git directory")
    ru = commands.add_parser("run")
    ru.add_argument("--rule")
    ru.add_argument("--failures", action="store_true")
    args = parser.parse_args()
    if args.command == "extract":
        data = extract(args.repo)
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        rules = {c["rule"] for c in data["cases"]}
        print(f"{len(data['cases'])} cases over {len(rules)} rules -> {DATA.relative_to(ROOT)}")
        return 0
    run(args.rule, args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())

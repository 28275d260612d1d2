"""Finish and check a `pip install --target` bundle so that it runs on every supported Python.

pip resolves environment markers for the Python that runs it, so a bundle built with
Python 3.12 lacks backports that only 3.10 needs (e.g. `tomli; python_version < "3.11"`).
And pip prefers a compiled wheel when one exists for the running Python (tomli ships
mypyc-compiled ones), which would tie the bundle to one Python version and OS.

This script
  - adds every requirement that any supported Python/OS combination needs,
  - replaces each distribution that contains compiled files with the same version's pure
    wheel (py3-none-any), or else builds it from its sdist (sdist-only packages are fine),
then checks that
  - every distribution in the bundle accepts the oldest supported Python (Requires-Python),
  - nothing in it is a compiled extension (the bundle must be pure Python).

Usage: python complete_bundle.py TARGET_DIR
"""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.specifiers import SpecifierSet
from pip._vendor.packaging.utils import canonicalize_name

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
OLDEST = PYTHONS[0] + ".0"
PLATFORMS = [("linux", "Linux", "posix"), ("win32", "Windows", "nt"), ("darwin", "Darwin", "posix")]
BINARY_SUFFIXES = (".so", ".pyd", ".dll", ".dylib")
# Distributions whose compiled part is an optional speed-up over a complete pure-Python
# implementation: the compiled files are removed, the package stays. (PyYAML's sdist builds the
# extension whenever it can, so no pure build of it exists to install instead.)
OPTIONAL_ACCELERATORS = {"pyyaml": "yaml uses its pure-Python loader when yaml._yaml is absent"}


def environments():
    for version in PYTHONS:
        for sys_platform, system, os_name in PLATFORMS:
            yield {
                "python_version": version,
                "python_full_version": version + ".0",
                "sys_platform": sys_platform,
                "platform_system": system,
                "os_name": os_name,
                "implementation_name": "cpython",
                "platform_python_implementation": "CPython",
                "platform_machine": "x86_64",
                "extra": "",
            }


def installed(target: Path) -> dict[str, metadata.Distribution]:
    return {canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions(path=[str(target)])}


def compiled_files_of(dist: metadata.Distribution, target: Path) -> list[Path]:
    return [target / f for f in dist.files or [] if Path(str(f)).suffix in BINARY_SUFFIXES]


def missing_requirements(target: Path) -> set[str]:
    dists = installed(target)
    missing: set[str] = set()
    for dist in dists.values():
        for text in dist.requires or []:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) in dists:
                continue
            if requirement.marker is not None and not any(
                requirement.marker.evaluate(env) for env in environments()
            ):
                continue
            requirement.marker = None
            missing.add(str(requirement))
    return missing


PIP = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-compile", "--no-deps"]
# A wheel that any CPython 3.10+ on any OS can use.
PURE_WHEEL = ["--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none",
              "--python-version", PYTHONS[0]]


def compiled_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in BINARY_SUFFIXES)


def install_pure(requirements: list[str], target: Path) -> None:
    """Install REQUIREMENTS (no dependencies) into TARGET: pure wheel first, else from sdist."""
    for requirement in requirements:
        with tempfile.TemporaryDirectory() as scratch:
            wheel = subprocess.run([*PIP, *PURE_WHEEL, "--target", scratch, requirement])
            if wheel.returncode != 0:
                name = Requirement(requirement).name
                print(f"no pure wheel for {requirement}: building it from its sdist", flush=True)
                subprocess.run([*PIP, "--no-binary", name, "--target", scratch, requirement], check=True)
            if compiled_files(Path(scratch)):
                raise SystemExit(f"error: {requirement} has no pure-Python distribution")
            shutil.copytree(scratch, target, dirs_exist_ok=True)


def remove(dist: metadata.Distribution, target: Path) -> None:
    for file in dist.files or []:
        path = target / file
        if path.is_file():
            path.unlink()
    shutil.rmtree(Path(str(dist._path)), ignore_errors=True)  # the .dist-info folder
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def main() -> int:
    target = Path(sys.argv[1]).resolve()

    for name, dist in sorted(installed(target).items()):
        compiled = list(compiled_files_of(dist, target))
        if compiled and name in OPTIONAL_ACCELERATORS:
            print(f"{name}: dropping its optional compiled accelerator ({OPTIONAL_ACCELERATORS[name]})", flush=True)
            for path in compiled:
                path.unlink()
            continue
        if compiled:
            version = dist.version  # read before remove() deletes the metadata it comes from
            print(f"{name} {version} was installed compiled: replacing it with a pure-Python build", flush=True)
            remove(dist, target)
            install_pure([f"{name}=={version}"], target)

    for _ in range(10):
        missing = missing_requirements(target)
        if not missing:
            break
        print(f"adding for other Pythons/platforms: {', '.join(sorted(missing))}", flush=True)
        install_pure(sorted(missing), target)
    else:
        print("error: requirements did not settle after 10 rounds", file=sys.stderr)
        return 1

    problems: list[str] = []
    for name, dist in sorted(installed(target).items()):
        requires_python = dist.metadata.get("Requires-Python")
        if requires_python and not SpecifierSet(requires_python).contains(OLDEST):
            problems.append(f"{name} {dist.version} requires Python {requires_python}, docksense supports {OLDEST}+")
    binaries = [str(p.relative_to(target)) for p in compiled_files(target)]
    if binaries:
        problems.append("compiled files in the bundle (it must be pure Python): " + ", ".join(binaries))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

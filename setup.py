"""Build hook: ship the repository's ``knowledge/`` folder inside the wheel.

The knowledge base lives at the repository root so that people can review it as data,
apart from the code. A wheel must carry it, so ``build_py`` copies it into the package as
``docksense/_knowledge``. An editable install has no such copy; the loader then finds the
folder at the repository root (see ``docksense.knowledge.paths``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithKnowledge(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = ROOT / "knowledge"
        target = Path(self.build_lib) / "docksense" / "_knowledge"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))


setup(cmdclass={"build_py": BuildPyWithKnowledge})

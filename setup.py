"""Ship the top-level ontology/, data/, shapes/ and queries/ inside the wheel."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED_FOLDERS = ("ontology", "data", "shapes", "queries")


class BuildWithBundledGraph(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "coprod_kg" / "bundled"
        for name in BUNDLED_FOLDERS:
            source = Path(__file__).parent / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithBundledGraph})

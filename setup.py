"""The one thing pyproject.toml cannot say: ship ``cnn_course_kit_legacy.pth``.

A ``.pth`` file at the top of ``site-packages`` runs when Python starts; this one installs the
finders of ``cnn_course_kit.legacy`` so that notebooks written before the rename (``import
utils``) still run. Everything else about the package is in pyproject.toml. Editable installs
(``make lab``) leave build outputs out, so the Makefile copies the file there itself.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = Path("utils") / "cnn_course_kit_legacy.pth"


class BuildPyWithPth(build_py):
    def run(self):
        super().run()
        self.copy_file(str(PTH), str(Path(self.build_lib) / PTH.name))

    def get_outputs(self, include_bytecode=True):
        return [*super().get_outputs(include_bytecode), str(Path(self.build_lib) / PTH.name)]


setup(cmdclass={"build_py": BuildPyWithPth})

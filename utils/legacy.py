"""``import utils`` kept working for notebooks written before the kit was renamed.

The kit's import name is ``cnn_course_kit`` (its code stays in the repository's ``utils/``
folder). It used to be ``utils``, and a top-level package called ``utils`` loses to any
``utils.py`` that a student keeps beside their notebook: the folder of the notebook comes first
on ``sys.path``, so ``from utils import setup`` failed with "cannot import name 'setup' from
'utils' (/.../utils.py)" and the kit's kernel extension failed with it.

Old notebooks (a student's workspace from an earlier term, a copy saved on Colab) still say
``import utils``, ``from utils.checks import check_close``. :func:`install` lets them run:

* ``utils`` itself is found by :class:`_TopLevel`, which sits *last* on ``sys.meta_path``, so a
  real ``utils`` anywhere on the path (a student's own ``utils.py``) always wins; only when there
  is none does ``utils`` become another name for ``cnn_course_kit``;
* ``utils.<name>`` is answered by :class:`_Submodule`, *first* on ``sys.meta_path``, and only
  while ``utils`` is the kit: ``utils.checks`` is then the very module ``cnn_course_kit.checks``
  (one copy of each module and its state, not two), never a second load of the same file.

The one-line ``cnn_course_kit_legacy.pth`` (installed beside the package by ``pip install .``,
and by the Makefile for the editable install of ``make lab``) calls :func:`install` when Python
starts, so it works in every kernel and script of the environment, the grader's sandbox too.
Python runs the .pth in every process of the environment, so importing this module costs next to
nothing (about 1 ms: no ``importlib.abc``, and the kit's package itself is imported lazily).
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.machinery import ModuleSpec

OLD = "utils"
NEW = "cnn_course_kit"


class _Alias:  # an importlib loader (duck-typed: importlib.abc costs ~10 ms to import)
    """Loads ``utils[.x]`` as the already-importable ``cnn_course_kit[.x]``."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        module = import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module) -> None:
        # importlib stamped the alias's spec on the module; give it back its own.
        module.__spec__ = self._spec


def _alias_spec(name: str):
    from importlib.util import find_spec  # only when an old name is imported

    target = NEW + name[len(OLD) :]
    if find_spec(target) is None:
        return None
    return ModuleSpec(name, _Alias(target))


class _TopLevel:  # a sys.meta_path finder
    """``utils`` when nothing else on the path is called that."""

    def find_spec(self, name, path=None, target=None):
        return _alias_spec(name) if name == OLD else None


class _Submodule:  # a sys.meta_path finder
    """``utils.x`` while ``utils`` is the kit (a student's own ``utils`` keeps its own)."""

    def find_spec(self, name, path=None, target=None):
        kit = sys.modules.get(OLD)
        if not name.startswith(OLD + ".") or kit is None or kit is not sys.modules.get(NEW):
            return None
        return _alias_spec(name)


def install() -> None:
    """Put the two finders on ``sys.meta_path`` (once)."""
    if any(isinstance(f, (_TopLevel, _Submodule)) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Submodule())
    sys.meta_path.append(_TopLevel())

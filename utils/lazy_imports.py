"""Start-up time: a module other packages import eagerly but almost never use, loaded when used.

``rfc3987_syntax`` is imported by jsonschema's format checkers, and so by nbformat, nbgrader,
nbclient, JupyterLab and jupyter_events, in every process that reads a notebook. Importing it
builds about 35 Earley parsers: 1.2 to 2.5 s at the start of every ``nbgrader autograde``
(one per student graded), every nbval run and every Jupyter server, though no notebook or
Jupyter schema uses the ``iri`` formats it checks (python-jsonschema/jsonschema#1428).

:func:`install` (called by the kit's ``.pth`` when Python starts, like
:func:`cnn_course_kit.legacy.install`) puts a finder on ``sys.meta_path`` that answers
``import rfc3987_syntax`` with the real package minus its ``__init__``: ``is_valid_syntax`` and
``parse`` import the real ``rfc3987_syntax.syntax_helpers`` on their first call, and any other
name is fetched from it on first access. Validation itself is unchanged.
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.machinery import ModuleSpec

NAME = "rfc3987_syntax"
HELPERS = NAME + ".syntax_helpers"
FUNCTIONS = ("is_valid_syntax", "parse")


def _forward(name: str):
    def call(*args, **kwargs):
        return getattr(import_module(HELPERS), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{HELPERS}.{name}, imported on the first call (cnn_course_kit.lazy_imports)."
    return call


class _Loader:  # an importlib loader (duck-typed, as in cnn_course_kit.legacy)
    """Fills the package module with forwarding functions instead of running its __init__."""

    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module) -> None:
        for name in FUNCTIONS:
            setattr(module, name, _forward(name))

        def __getattr__(attr: str):
            if attr.startswith("__"):
                raise AttributeError(attr)
            try:
                return getattr(import_module(HELPERS), attr)
            except AttributeError:
                raise AttributeError(f"module {NAME!r} has no attribute {attr!r}") from None

        module.__getattr__ = __getattr__


class _Finder:  # a sys.meta_path finder
    """``rfc3987_syntax``, found where it is installed, loaded by :class:`_Loader`."""

    def find_spec(self, name, path=None, target=None):
        if name != NAME:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            real = finder.find_spec(name, path, target)
            if real is not None:
                break
        else:
            return None  # not installed: the ImportError jsonschema expects
        spec = ModuleSpec(name, _Loader(), origin=real.origin, is_package=True)
        spec.submodule_search_locations = real.submodule_search_locations
        return spec


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())

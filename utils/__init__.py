"""Helpers shared by the course notebooks: the ``cnn_course_kit`` package.

``import cnn_course_kit; cnn_course_kit.setup()`` is the first line of every notebook. The
code lives in the repository's ``utils/`` folder; the import name is the distribution's, so
that a student's own ``utils.py`` beside a notebook cannot hide the kit (old notebooks that
say ``import utils`` still work: see :mod:`cnn_course_kit.legacy`). The submodules
(``config``, ``devices``, ``datasets``, ``training``, ``plots``, ``widgets``, ``checks``,
``workspace``) are imported on demand so that a NumPy-only notebook starts fast, and so is
``config`` itself: importing the package (Python does so at start-up, for the legacy name)
runs nothing.
"""

__all__ = ["settings", "setup"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in __all__:
        from . import config

        return getattr(config, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Helpers shared by the course notebooks.

``import utils; utils.setup()`` is the first line of every notebook. The submodules
(``config``, ``devices``, ``datasets``, ``training``, ``plots``, ``widgets``, ``checks``,
``workspace``) are imported on demand so that a NumPy-only notebook starts fast.
"""

from .config import settings, setup

__all__ = ["settings", "setup"]
__version__ = "0.1.0"

"""Small file helpers shared by the cache, the stand-in and the pipelines.

Listing the image files of a folder, and reading and atomically writing the JSON markers
(``READY.json``, ``.standin.json``, the recorded sha256 of a download).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .sources import IMAGE_EXTENSIONS


def _image_files(folder: Path) -> list[Path]:
    """The image files directly inside ``folder``, sorted by name."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
    )


def _read_json(path: Path) -> dict | None:
    """The JSON object in ``path``, or None if it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)

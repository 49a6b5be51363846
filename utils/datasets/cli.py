"""Command line: ``python -m utils.datasets [--petimages] [--no-mnist]`` (what ``make data`` runs)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .cache import fetch_all
from .sources import DatasetError


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point for ``make data``; returns the exit status."""
    parser = argparse.ArgumentParser(description="Download and verify the course data.")
    parser.add_argument("--petimages", action="store_true",
                        help="also fetch the full ~790 MB PetImages archive")
    parser.add_argument("--no-mnist", action="store_true", help="skip MNIST")
    args = parser.parse_args(argv)
    try:
        fetch_all(petimages=args.petimages, mnist=not args.no_mnist)
    except DatasetError as err:
        print(f"[data] ERROR: {err}")
        return 1
    return 0

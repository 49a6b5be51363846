"""``python -m cnn_course_kit.datasets [--petimages] [--no-mnist]``: what ``make data`` runs."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

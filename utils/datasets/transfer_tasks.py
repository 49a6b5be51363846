"""The four digit tasks of notebook 07: one source and three transfer targets, all offline.

=========  ==========================  =====================  ===============================
name       images                      classes                relation to the source
=========  ==========================  =====================  ===============================
source     handwritten digits (sklearn) 0 1 2 3 4             (the source)
target1    handwritten digits (sklearn) 5 6 7 8 9             same domain, new task
target2    printed digits (DejaVu)      0 1 2 3 4             new domain, same task
target3    printed letters (DejaVu)     C E H K X             new domain, new task
=========  ==========================  =====================  ===============================

Every image is 8x8x1 float32 in [0, 1]; labels are 0..4 in every task (positions in its
class list). Each task is split into train and test, stratified, with the same fraction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .digits import _stratified_indices, load_digits, split_by_class
from .printed import LETTERS, printed_digits, printed_letters


@dataclass(frozen=True)
class DigitTask:
    """One task: its images split into train and test, and what it is."""

    name: str
    description: str
    classes: tuple[str, ...]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x_train, y_train)``."""
        return self.x_train, self.y_train

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x_test, y_test)``."""
        return self.x_test, self.y_test

    def __repr__(self) -> str:
        return (
            f"DigitTask({self.name!r}: {self.description}; classes {' '.join(self.classes)}; "
            f"{len(self.y_train)} train / {len(self.y_test)} test images of "
            f"{'x'.join(map(str, self.x_train.shape[1:]))})"
        )


def digit_tasks(
    *, test_fraction: float = 0.3, printed_per_class: int = 180, seed: int = 0
) -> dict[str, DigitTask]:
    """``{"source", "target1", "target2", "target3"}`` -> :class:`DigitTask` (see the module
    table). ``printed_per_class`` printed images are drawn per class (scikit-learn has about
    180 handwritten images of each digit, so the default matches). Deterministic for a seed.
    """
    x, y = load_digits()
    (xs, ys), (xt, yt) = split_by_class(x, y)
    tasks = [
        ("source", "handwritten digits 0-4 (the source task)", "01234", xs, ys),
        ("target1", "handwritten digits 5-9: same domain, new task", "56789", xt, yt),
        (
            "target2",
            "printed digits 0-4: new domain, same task",
            "01234",
            *printed_digits(n_per_class=printed_per_class, seed=seed),
        ),
        (
            "target3",
            f"printed letters {LETTERS}: new domain, new task",
            LETTERS,
            *printed_letters(LETTERS, n_per_class=printed_per_class, seed=seed + 1),
        ),
    ]
    out = {}
    for name, description, classes, images, labels in tasks:
        train, test = _stratified_indices(labels, test_fraction, seed)
        out[name] = DigitTask(
            name,
            description,
            tuple(classes),
            images[train],
            labels[train],
            images[test],
            labels[test],
        )
    return out

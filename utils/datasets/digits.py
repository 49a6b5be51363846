"""Digits and MNIST: scikit-learn's bundled 8x8 digits, class splits and MNIST with a fallback.

None of this needs TensorFlow; Keras is imported only when MNIST is actually loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import settings


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (1,797 images, no download).

    Returns ``(x, y)``: ``x`` float32 in [0, 1] shaped ``(n, 8, 8, 1)``, ``y`` int64 in 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = (bunch.images / 16.0).astype("float32")[..., np.newaxis]
    return x, bunch.target.astype("int64")


def split_by_class(
    x: np.ndarray,
    y: np.ndarray,
    source: Sequence[int] = (0, 1, 2, 3, 4),
    target: Sequence[int] = (5, 6, 7, 8, 9),
    *,
    relabel: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split ``(x, y)`` into a *source* task and a *target* task by class.

    Returns ``((x_source, y_source), (x_target, y_target))``. With ``relabel=True`` each
    task's labels become positions in its class list, so the default target digits 5..9 are
    relabelled 0..4 and a fresh 5-way softmax head can be trained on them (the default source
    digits 0..4 keep their labels). With ``relabel=False`` the original labels are kept.
    """
    y = np.asarray(y)
    source, target = tuple(int(c) for c in source), tuple(int(c) for c in target)
    overlap = set(source) & set(target)
    if overlap:
        raise ValueError(
            f"source and target classes must not overlap. Both contain: {sorted(overlap)}"
        )
    present = set(np.unique(y).tolist())
    missing = [c for c in source + target if c not in present]
    if missing:
        raise ValueError(
            f"classes {missing} do not occur in y (labels present: {sorted(present)})."
        )
    return _select(x, y, source, relabel), _select(x, y, target, relabel)


def _select(x, y, classes: tuple[int, ...], relabel: bool) -> tuple[np.ndarray, np.ndarray]:
    """The examples of ``classes``, with labels mapped to positions when ``relabel``."""
    mask = np.isin(y, classes)
    labels = y[mask]
    if relabel:
        lookup = {c: i for i, c in enumerate(classes)}
        labels = np.array([lookup[int(v)] for v in labels], dtype=y.dtype)
    return np.asarray(x)[mask], labels


def load_mnist(
    *, test_fraction: float = 0.2, seed: int | None = None, verbose: bool = True
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as ``((x_train, y_train), (x_test, y_test))``, x float32 in [0, 1], ``(n, 28, 28, 1)``.

    Only in the full profile and online is ``keras.datasets.mnist.load_data()`` used (it
    caches under ``~/.keras/datasets``). Offline, in the smoke profile, or when that download
    fails, a one-line notice is printed and scikit-learn's 8x8 digits are returned instead
    (shape ``(n, 8, 8, 1)``, split stratified with ``test_fraction`` of each class for test).
    Labels are int64.
    """
    cfg = settings()
    reason = None
    if cfg.offline:
        reason = "COURSE_OFFLINE=1"
    elif cfg.smoke:
        reason = "COURSE_PROFILE=smoke"
    else:
        try:
            return _keras_mnist()
        except Exception as err:  # noqa: BLE001 - keras raises a bare Exception when the fetch fails
            reason = f"the MNIST download failed: {type(err).__name__}: {err}".replace("\n", " ")
    x, y = load_digits()
    if verbose:
        print(
            f"[data] MNIST not loaded ({reason}); using scikit-learn's 8x8 digits instead "
            f"({len(x):,} images of shape (8, 8, 1))."
        )
    seed = cfg.seed if seed is None else seed
    train_idx, test_idx = _stratified_indices(y, test_fraction, seed)
    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])


def _keras_mnist():
    """Download (or read Keras' cache of) MNIST, normalised and with a channel axis."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

    def norm(x):
        """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1]."""
        return (x.astype("float32") / 255.0)[..., np.newaxis]

    return (norm(x_train), y_train.astype("int64")), (norm(x_test), y_test.astype("int64"))


def _stratified_indices(labels, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(keep, held_out)`` holding out ``fraction`` of each class, reproducibly.

    Every class keeps at least one example, and gives at least one when ``fraction > 0`` and
    it has two or more.
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"the held-out fraction must be in [0, 1). Received: {fraction!r}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    keep, held = [], []
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        k = int(round(len(idx) * fraction))
        if fraction > 0 and len(idx) >= 2:
            k = min(max(k, 1), len(idx) - 1)
        held.append(idx[:k])
        keep.append(idx[k:])
    return np.sort(np.concatenate(keep)), np.sort(np.concatenate(held))

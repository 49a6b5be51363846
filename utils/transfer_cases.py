"""The transfer cases of notebook 07 run many times over: learning curves on small targets.

:class:`TransferExperiment` holds one source network and runs Cases 1-4 on a target's
``k``-examples-per-class sample, for several ``k`` and seeds, reusing two models (the
transfer model and the from-scratch model) so :func:`cnn_course_kit.transfer.train` traces each of
its loops once. It does not freeze layers, build heads or extract features itself: it calls
the functions it is given, the notebook's exercises (``freeze_until``, ``unfreeze_top``,
``build_head``, ``extract_features``), so the big experiment runs on the student's code.

The cases, in the lecture notes' numbering:

1. bottleneck features from the frozen source (its ``features`` layer) and a logistic
   regression (scikit-learn, standardised features); ``"1e"`` takes them from an early
   layer instead (``block1_pool``: one lecture note's advice for small, dissimilar data);
2. a new head warmed up on the frozen source, then the top convolution block fine-tuned
   with it at a small learning rate (batch normalisation stays frozen);
3. the same warm-up, then every layer fine-tuned at the small learning rate;
4. the same architecture trained from scratch (random weights), as many steps as Case 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .transfer import accuracy, digit_cnn, per_class_subset, train

CASES = ("1", "2", "3", "4")
EARLY_LAYER = "block1_pool"
SCRATCH_SEED_OFFSET = 1000  # Case 4's random weights never equal a source built with seed 0
CASE_NAMES = {
    "0": "Case 0: source as it is",
    "1": "Case 1: features + logistic regression",
    "1e": "Case 1, early layers: block 1's features + logistic regression",
    "2": "Case 2: fine-tune the top block",
    "3": "Case 3: fine-tune everything",
    "4": "Case 4: from scratch",
}


@dataclass(frozen=True)
class Budget:
    """Steps and learning rates (Adam) of every run; :meth:`for_profile` picks them."""

    head_steps: int = 100
    finetune_steps: int = 150
    head_lr: float = 1e-2
    finetune_lr: float = 3e-4
    scratch_lr: float = 1e-3
    batch_size: int = 32

    @property
    def scratch_steps(self) -> int:
        """Case 4 gets as many steps as the warm-up and fine-tuning of Case 3 together."""
        return self.head_steps + self.finetune_steps

    @classmethod
    def for_profile(cls, smoke: bool) -> Budget:
        """Fewer steps in the smoke profile; the same learning rates."""
        return cls(head_steps=40, finetune_steps=60) if smoke else cls()


def feature_model(source: keras.Model, layer: str = "features") -> keras.Model:
    """The source network up to (and including) ``layer``: a feature extractor."""
    return keras.Model(source.input, source.get_layer(layer).output, name=f"{source.name}_{layer}")


def as_dataset(x, y, batch_size: int = 256) -> tf.data.Dataset:
    """``(x, y)`` as a batched ``tf.data.Dataset`` in order, no shuffling."""
    return tf.data.Dataset.from_tensor_slices((np.asarray(x, "float32"), np.asarray(y))).batch(
        batch_size
    )


def logistic_accuracy(f_train, y_train, f_test, y_test, *, c: float = 1.0) -> float:
    """Test accuracy of a standardised logistic regression fitted on the training features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    clf.fit(f_train, y_train)
    return float(clf.score(f_test, y_test))


class TransferExperiment:
    """Cases 1-4 from one trained ``source`` network, with the notebook's helpers.

    ``freeze_until(model, layer_name)``, ``unfreeze_top(model, n)``,
    ``build_head(input_shape, n_classes)`` and ``extract_features(model, dataset)`` are the
    notebook's exercises. ``top_layers`` is how many of the transfer model's layers Case 2
    unfreezes (the top convolution block and the head).
    """

    def __init__(
        self,
        source: keras.Model,
        *,
        n_classes: int,
        freeze_until: Callable,
        unfreeze_top: Callable,
        build_head: Callable,
        extract_features: Callable,
        budget: Budget | None = None,
        top_layers: int | None = None,
    ):
        self.source = source
        self.n_classes = n_classes
        self.freeze_until, self.unfreeze_top = freeze_until, unfreeze_top
        self.build_head, self.extract_features = build_head, extract_features
        self.budget = budget or Budget()
        self.features = feature_model(source)
        self.model = self._transfer_model(seed=0)
        names = [layer.name for layer in self.model.layers]
        # the top block: from block2_conv1 to the head, the default for Case 2
        self.top_layers = top_layers or len(names) - names.index("block2_conv1")
        self.scratch = digit_cnn(source.input_shape[1:], n_classes, seed=0, name="scratch")
        self._feature_cache: dict = {}
        self._initial: dict = {}

    def _transfer_model(self, seed: int) -> keras.Model:
        """A copy of the source up to ``features`` (its weights) with a new head on top."""
        trunk = keras.models.clone_model(self.features)
        trunk.set_weights(self.features.get_weights())
        inputs = keras.Input(shape=self.source.input_shape[1:], name="image")
        x = inputs
        for layer in trunk.layers[1:]:
            x = layer(x)
        return keras.Model(inputs, self._head(seed)(x), name="transfer")

    def _head(self, seed: int) -> keras.Model:
        """A new head from ``build_head``, initialised from ``seed``."""
        keras.utils.set_random_seed(seed)
        return self.build_head(tuple(self.features.output.shape[1:]), self.n_classes)

    def _fresh(self, kind: str, seed: int) -> list[np.ndarray]:
        """Initial weights for ``seed``, made once: a new head's or a random network's."""
        if (kind, seed) not in self._initial:
            self._initial[kind, seed] = (
                self._head(seed).get_weights()
                if kind == "head"
                else digit_cnn(
                    self.source.input_shape[1:], self.n_classes, seed=SCRATCH_SEED_OFFSET + seed
                ).get_weights()
            )
        return self._initial[kind, seed]

    def _reset_transfer(self, seed: int) -> None:
        """Source weights in the trunk, a freshly initialised head for ``seed``."""
        self.model.set_weights(self.features.get_weights() + self._fresh("head", seed))

    def _reset_scratch(self, seed: int) -> None:
        """Fresh random weights for ``seed`` in the from-scratch model, everything trainable."""
        self.scratch.set_weights(self._fresh("scratch", seed))
        for layer in self.scratch.layers:
            layer.trainable = True

    def cached_features(self, layer: str, name: str, x, y) -> tuple[np.ndarray, np.ndarray]:
        """``extract_features`` of the source up to ``layer`` on ``(x, y)``, once per name."""
        if (layer, name) not in self._feature_cache:
            model = self.features if layer == "features" else feature_model(self.source, layer)
            self._feature_cache[layer, name] = self.extract_features(model, as_dataset(x, y))
        return self._feature_cache[layer, name]

    def run(
        self,
        target: str,
        train_set,
        test_set,
        *,
        k: int | None,
        seed: int,
        cases: Iterable[str] = CASES,
    ) -> dict[str, float]:
        """Test accuracy of each case trained on ``k`` examples per class (``None``: all)."""
        (x_train, y_train), (x_test, y_test) = train_set, test_set
        idx = np.arange(len(y_train)) if k is None else per_class_subset(y_train, k, seed=seed)
        xs, ys = x_train[idx], y_train[idx]
        cases, b, out = set(cases), self.budget, {}
        for case, layer in (("1", "features"), ("1e", EARLY_LAYER)):
            if case in cases:
                f_train, l_train = self.cached_features(layer, f"{target}/train", x_train, y_train)
                f_test, l_test = self.cached_features(layer, f"{target}/test", x_test, y_test)
                out[case] = logistic_accuracy(f_train[idx], l_train[idx], f_test, l_test)
        if cases & {"2", "3"}:
            self._reset_transfer(seed)
            for layer in self.model.layers:
                layer.trainable = True
            self.freeze_until(self.model, "features")
            train(
                self.model,
                xs,
                ys,
                steps=b.head_steps,
                learning_rate=b.head_lr,
                batch_size=b.batch_size,
                seed=seed,
            )
            warmed = self.model.get_weights()
            for case, n_top in (("2", self.top_layers), ("3", len(self.model.layers))):
                if case in cases:
                    self.model.set_weights(warmed)
                    for layer in self.model.layers:
                        layer.trainable = True
                    self.unfreeze_top(self.model, n_top)
                    train(
                        self.model,
                        xs,
                        ys,
                        steps=b.finetune_steps,
                        learning_rate=b.finetune_lr,
                        batch_size=b.batch_size,
                        seed=seed + 1,
                    )
                    out[case] = accuracy(self.model, x_test, y_test)
        if "4" in cases:
            self._reset_scratch(seed)
            train(
                self.scratch,
                xs,
                ys,
                steps=b.scratch_steps,
                learning_rate=b.scratch_lr,
                batch_size=b.batch_size,
                seed=seed,
            )
            out["4"] = accuracy(self.scratch, x_test, y_test)
        return out

    def learning_curves(
        self,
        targets: dict,
        sizes: Sequence[int | None],
        seeds: Sequence[int],
        cases: Iterable[str] = CASES,
        progress: bool = True,
    ) -> list[dict]:
        """One row ``{target, case, k, seed, accuracy}`` per run; ``targets`` maps a name to
        ``(train_set, test_set)``. ``k=None`` in ``sizes`` means every training example (the
        row then records the per-class count of the smallest class)."""
        rows = []
        for target, (train_set, test_set) in targets.items():
            start = time.perf_counter()
            full_k = int(np.bincount(np.asarray(train_set[1])).min())
            for k in sizes:
                for seed in seeds:
                    result = self.run(target, train_set, test_set, k=k, seed=seed, cases=cases)
                    rows += [
                        {
                            "target": target,
                            "case": c,
                            "k": full_k if k is None else k,
                            "all": k is None,
                            "seed": seed,
                            "accuracy": a,
                        }
                        for c, a in sorted(result.items())
                    ]
            if progress:
                print(
                    f"[curves] {target}: {len(sizes)} sizes x {len(seeds)} seeds in "
                    f"{time.perf_counter() - start:.1f} s"
                )
        return rows


def summarise(rows: Sequence[dict]) -> dict[tuple[str, str, int], tuple[float, float, float, int]]:
    """``{(target, case, k): (mean, min, max, runs)}`` of the rows' accuracies."""
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["target"], row["case"], row["k"]), []).append(row["accuracy"])
    return {
        key: (float(np.mean(v)), float(np.min(v)), float(np.max(v)), len(v))
        for key, v in groups.items()
    }

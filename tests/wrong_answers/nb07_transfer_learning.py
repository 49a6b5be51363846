"""Plausible wrong answers for notebook 07-transfer-learning (format: see tests/wrong_answers/__init__.py)."""

# From part B of the notebook
_FREEZE = "freeze_until"
_UNFREEZE = "unfreeze_top"
_LOSES_FREEZE = {"test_freeze_until"}
_LOSES_UNFREEZE = {"test_unfreeze_top"}

_PART_B = [
    # --- Exercise 1: freeze_until
    {  # off by one: the named layer itself left trainable
        "name": "freeze_until: the named layer not frozen",
        "cell": _FREEZE,
        "find": "layer.trainable = position > cut",
        "replace": "layer.trainable = position >= cut",
        "loses": _LOSES_FREEZE,
    },
    {  # the head frozen instead of the base
        "name": "freeze_until: freezes the layers after the name",
        "cell": _FREEZE,
        "find": "layer.trainable = position > cut",
        "replace": "layer.trainable = position <= cut",
        "loses": _LOSES_FREEZE,
    },
    {  # model.trainable never reset: a model that arrived frozen stays frozen
        "name": "freeze_until: model.trainable not set",
        "cell": _FREEZE,
        "find": "    model.trainable = True\n",
        "replace": "",
        "loses": _LOSES_FREEZE,
    },
    {  # model.trainable = True set after the layers: it turns every layer back on
        "name": "freeze_until: model.trainable = True after the loop",
        "cell": _FREEZE,
        "find": "    model.trainable = True\n    for position, layer in enumerate(model.layers):\n"
        "        layer.trainable = position > cut\n",
        "replace": "    for position, layer in enumerate(model.layers):\n"
        "        layer.trainable = position > cut\n    model.trainable = True\n",
        "loses": _LOSES_FREEZE,
    },
    {  # only the frozen side set: a layer that arrived frozen after the cut stays frozen
        "name": "freeze_until: only freezes, never unfreezes (no model.trainable either)",
        "cell": _FREEZE,
        "find": "    model.trainable = True\n    for position, layer in enumerate(model.layers):\n"
        "        layer.trainable = position > cut\n",
        "replace": "    for position, layer in enumerate(model.layers):\n"
        "        if position <= cut:\n            layer.trainable = False\n",
        "loses": _LOSES_FREEZE,
    },
    {  # an unknown name silently freezes nothing
        "name": "freeze_until: unknown name ignored",
        "cell": _FREEZE,
        "find": "    if layer_name not in names:\n        raise ValueError(",
        "replace": "    if layer_name not in names:\n        return model\n        raise ValueError(",
        "loses": _LOSES_FREEZE,
    },
    {  # the error message does not list the layers
        "name": "freeze_until: message without the layer names",
        "cell": _FREEZE,
        "find": ". Its layers: {names}",
        "replace": "",
        "loses": _LOSES_FREEZE,
    },
    # --- Exercise 2: unfreeze_top
    {  # BN left trainable among the top n
        "name": "unfreeze_top: BN layers left trainable",
        "cell": _UNFREEZE,
        "find": "            layer.trainable = False\n        for inner",
        "replace": "            pass\n        for inner",
        "loses": _LOSES_UNFREEZE,
    },
    {  # model.layers[-n:]: with n = 0 that is every layer
        "name": "unfreeze_top: model.layers[-n:] (n = 0 unfreezes everything)",
        "cell": _UNFREEZE,
        "find": "    for position, layer in enumerate(model.layers):\n"
        "        layer.trainable = position >= first_trained\n",
        "replace": "    for layer in model.layers:\n        layer.trainable = False\n"
        "    for layer in model.layers[-n:]:\n        layer.trainable = True\n",
        "loses": _LOSES_UNFREEZE,
    },
    {  # off by one: n - 1 layers unfrozen
        "name": "unfreeze_top: one layer too few",
        "cell": _UNFREEZE,
        "find": "layer.trainable = position >= first_trained",
        "replace": "layer.trainable = position > first_trained",
        "loses": _LOSES_UNFREEZE,
    },
    {  # the bottom n unfrozen instead of the top n
        "name": "unfreeze_top: the first n layers instead of the last",
        "cell": _UNFREEZE,
        "find": "layer.trainable = position >= first_trained",
        "replace": "layer.trainable = position < n",
        "loses": _LOSES_UNFREEZE,
    },
    {  # model.trainable not reset
        "name": "unfreeze_top: model.trainable not set",
        "cell": _UNFREEZE,
        "find": "    model.trainable = True\n",
        "replace": "",
        "loses": _LOSES_UNFREEZE,
    },
    {  # BN inside a nested model among the top layers turned on with it
        "name": "unfreeze_top: BN inside a nested model left trainable",
        "cell": _UNFREEZE,
        "find": "            freeze_batch_norm(inner)",
        "replace": "            pass",
        "loses": _LOSES_UNFREEZE,
    },
    {  # no range check: n too large silently unfreezes everything
        "name": "unfreeze_top: n not checked",
        "cell": _UNFREEZE,
        "find": "    if not 0 <= n <= count:\n        raise ValueError(",
        "replace": "    if False:\n        raise ValueError(",
        "loses": _LOSES_UNFREEZE,
    },
]


# From part C of the notebook
_FEATURES = "extract_features"
_HEAD = "build_head"

_PART_C = [
    # --- Exercise 3: extract_features
    {  # training mode: dropout drops units, batch norm uses the batch's statistics
        "name": "features computed with training=True",
        "cell": _FEATURES,
        "find": "model(images, training=False)",
        "replace": "model(images, training=True)",
        "loses": {"test_extract_features"},
    },
    {  # the labels read in a second pass: a reshuffling dataset gives them in another order
        "name": "labels from a second pass over the dataset",
        "cell": _FEATURES,
        "find": "return np.concatenate(feature_batches), np.concatenate(label_batches)",
        "replace": "return np.concatenate(feature_batches), np.concatenate("
        "[keras.ops.convert_to_numpy(lab) for _, lab in dataset])",
        "loses": {"test_extract_features"},
    },
    {  # the (h, w, c) maps returned as they are
        "name": "features not flattened",
        "cell": _FEATURES,
        "find": "feature_batches.append(outputs.reshape(len(outputs), -1))",
        "replace": "feature_batches.append(outputs)",
        "loses": {"test_extract_features"},
    },
    {  # flattening that keeps the channels as columns: h * w rows per image
        "name": "flattened to (-1, channels)",
        "cell": _FEATURES,
        "find": "outputs.reshape(len(outputs), -1)",
        "replace": "outputs.reshape(-1, outputs.shape[-1])",
        "loses": {"test_extract_features"},
    },
    {  # np.stack needs batches of one length: the smaller last batch breaks it
        "name": "batches joined with np.stack",
        "cell": _FEATURES,
        "find": "return np.concatenate(feature_batches), np.concatenate(label_batches)",
        "replace": "return (np.stack(feature_batches).reshape(-1, feature_batches[0].shape[1]),\n"
        "            np.stack(label_batches).reshape(-1))",
        "loses": {"test_extract_features"},
    },
    {  # the return inside the loop: only the first batch
        "name": "return inside the loop (first batch only)",
        "cell": _FEATURES,
        "find": "\n    return np.concatenate(feature_batches), np.concatenate(label_batches)",
        "replace": "\n        return np.concatenate(feature_batches), np.concatenate(label_batches)",
        "loses": {"test_extract_features"},
    },
    {  # tensors, not NumPy arrays
        "name": "features returned as a tensor",
        "cell": _FEATURES,
        "find": "return np.concatenate(feature_batches), np.concatenate(label_batches)",
        "replace": "return keras.ops.concatenate(feature_batches), np.concatenate(label_batches)",
        "loses": {"test_extract_features"},
    },
    # --- Exercise 4: build_head
    {  # a feature map flattened: h * w times as many weights
        "name": "Flatten instead of global average pooling",
        "cell": _HEAD,
        "find": "keras.layers.GlobalAveragePooling2D()(outputs)",
        "replace": "keras.layers.Flatten()(outputs)",
        "loses": {"test_build_head"},
    },
    {  # pooling a vector: Keras refuses a 2-D tensor
        "name": "GAP applied to 1-D input too",
        "cell": _HEAD,
        "find": "    if len(input_shape) == 3:\n",
        "replace": "    if len(input_shape) >= 1:\n",
        "loses": {"test_build_head"},
    },
    {  # scores, not probabilities
        "name": "softmax missing",
        "cell": _HEAD,
        "find": 'keras.layers.Dense(n_classes, activation="softmax")',
        "replace": "keras.layers.Dense(n_classes)",
        "loses": {"test_build_head"},
    },
    {  # a linear hidden layer
        "name": "hidden layer without ReLU",
        "cell": _HEAD,
        "find": 'keras.layers.Dense(hidden, activation="relu")',
        "replace": "keras.layers.Dense(hidden)",
        "loses": {"test_build_head"},
    },
    {  # dropout on the pooled features, before the hidden layer
        "name": "dropout before the hidden layer",
        "cell": _HEAD,
        "find": '    if hidden > 0:\n        outputs = keras.layers.Dense(hidden, activation="relu")(outputs)\n'
        "    if dropout > 0:\n        outputs = keras.layers.Dropout(dropout)(outputs)\n",
        "replace": "    if dropout > 0:\n        outputs = keras.layers.Dropout(dropout)(outputs)\n"
        '    if hidden > 0:\n        outputs = keras.layers.Dense(hidden, activation="relu")(outputs)\n',
        "loses": {"test_build_head"},
    },
    {  # one class accepted (Keras itself only refuses 0 units)
        "name": "n_classes not checked",
        "cell": _HEAD,
        "find": "    if n_classes < 2:\n",
        "replace": "    if n_classes < 1:\n",
        "loses": {"test_build_head"},
    },
    {  # a 2-D input shape accepted: Dense then works on the last axis
        "name": "input shape not checked",
        "cell": _HEAD,
        "find": "    if len(input_shape) not in (1, 3):\n",
        "replace": "    if len(input_shape) == 0:\n",
        "loses": {"test_build_head"},
    },
]


# From part E of the notebook
_PART_E = [
    {
        "name": "boundary 1,000 counted as medium",
        "cell": "choose_strategy",
        "find": "if n_examples <= 1_000:",
        "replace": "if n_examples < 1_000:",
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "boundary 10,000 counted as large",
        "cell": "choose_strategy",
        "find": "if n_examples <= 10_000:",
        "replace": "if n_examples < 10_000:",
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "small and different: the third slides' fine-tune top",
        "cell": "choose_strategy",
        "find": 'return "features" if similar else "early features"',
        "replace": 'return "features" if similar else "fine-tune top"',
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "similar flag inverted",
        "cell": "choose_strategy",
        "find": 'return "features" if similar else "early features"',
        "replace": 'return "early features" if similar else "features"',
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "medium and different: fine-tune top",
        "cell": "choose_strategy",
        "find": 'return "fine-tune top" if similar else "fine-tune all"',
        "replace": 'return "fine-tune top"',
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "large and different: from scratch",
        "cell": "choose_strategy",
        "find": '    return "fine-tune all"\n    ### END SOLUTION',
        "replace": '    return "fine-tune all" if similar else "scratch"\n    ### END SOLUTION',
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "no input validation",
        "cell": "choose_strategy",
        "find": '    if isinstance(n_examples, (bool, np.bool_)) or not isinstance(n_examples, (int, np.integer)):\n        raise ValueError(f"n_examples must be a whole number of examples per class. Received: {n_examples!r}")\n',
        "replace": "",
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "np.bool_ rejected",
        "cell": "choose_strategy",
        "find": "if not isinstance(similar, (bool, np.bool_)):",
        "replace": "if not isinstance(similar, bool):",
        "loses": {"test_choose_strategy"},
    },
    {
        "name": "similar checked with truthiness (1 accepted)",
        "cell": "choose_strategy",
        "find": "if not isinstance(similar, (bool, np.bool_)):",
        "replace": "if similar not in (True, False):",
        "loses": {"test_choose_strategy"},
    },
]


# From the blind student reviews' survivors (2026-12-01: 30 wrong answers written, 2 survived the
# grading cells: this one, and float32 labels from extract_features, judged not a mistake)
_PART_S = [
    {  # the range is checked, but the message does not say what was received
        "name": "unfreeze_top's error without the n it received",
        "cell": "unfreeze_top",
        "find": 'raise ValueError(f"n must be between 0 and {count}, the number of layers. Received: {n!r}")',
        "replace": 'raise ValueError("n is out of range")',
        "loses": {"test_unfreeze_top"},
    },
]

CASES = _PART_B + _PART_C + _PART_E + _PART_S

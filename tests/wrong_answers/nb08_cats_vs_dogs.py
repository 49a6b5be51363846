"""Plausible wrong answers for notebook 08-cats-vs-dogs (format: see tests/wrong_answers/__init__.py)."""

# From part A of the notebook
_SIZES = "image_sizes"
_LOSES = {"test_image_sizes"}

_PART_A = [
    {  # PIL's (width, height) taken as (height, width)
        "name": "image_sizes: (width, height) order",
        "cell": _SIZES,
        "find": "sizes.append((height, width))",
        "replace": "sizes.append((width, height))",
        "loses": _LOSES,
    },
    {  # decodes every image to read its shape: slow, and a truncated JPEG becomes "unreadable"
        "name": "image_sizes: decodes the whole image",
        "cell": _SIZES,
        "find": "width, height = image.size  # from the header: no pixel is decoded",
        "replace": "height, width = np.asarray(image).shape[:2]",
        "loses": _LOSES,
    },
    {  # catches only PIL's UnidentifiedImageError: a damaged JPEG raises a plain OSError and crashes it
        "name": "image_sizes: crashes on a damaged JPEG (catches UnidentifiedImageError only)",
        "cell": _SIZES,
        "find": "except OSError:",
        "replace": "except __import__('PIL').UnidentifiedImageError:",
        "loses": _LOSES,
    },
    {  # no try at all
        "name": "image_sizes: crashes on any unreadable file",
        "cell": _SIZES,
        "find": "except OSError:",
        "replace": "except FileNotFoundError:",
        "loses": _LOSES,
    },
    {  # unreadable files silently skipped
        "name": "image_sizes: skips unreadable files without reporting them",
        "cell": _SIZES,
        "find": "            unreadable.append(path)\n",
        "replace": "            pass\n",
        "loses": _LOSES,
    },
    {  # the empty case comes out with shape (0,)
        "name": "image_sizes: no reshape, shape (0,) for no readable file",
        "cell": _SIZES,
        "find": "np.array(sizes, dtype=int).reshape(-1, 2)",
        "replace": "np.array(sizes, dtype=int)",
        "loses": _LOSES,
    },
]

# From part B of the notebook
_FOLD = "imagenet_to_cat_dog"
_LOSES = {"test_imagenet_to_cat_dog"}

_PART_B = [
    {  # off by one: a Python slice stops before its end, so the last breed (268) is lost
        "name": "imagenet_to_cat_dog: dog breeds 151-267 (slice 151:268)",
        "cell": _FOLD,
        "find": "rows[:, 151:269]",
        "replace": "rows[:, 151:268]",
        "loses": _LOSES,
    },
    {  # off by one at the cats: the Egyptian cat (285) is lost
        "name": "imagenet_to_cat_dog: domestic cats 281-284 (slice 281:285)",
        "cell": _FOLD,
        "find": "rows[:, 281:286]",
        "replace": "rows[:, 281:285]",
        "loses": _LOSES,
    },
    {  # off by one the other way: the sea lion (150) counted as a dog
        "name": "imagenet_to_cat_dog: dogs from 150",
        "cell": _FOLD,
        "find": "rows[:, 151:269]",
        "replace": "rows[:, 150:269]",
        "loses": _LOSES,
    },
    {  # lions, tigers and cheetahs counted as cats
        "name": "imagenet_to_cat_dog: wild cats 286-293 counted as cats",
        "cell": _FOLD,
        "find": "rows[:, 281:286]",
        "replace": "rows[:, 281:294]",
        "loses": _LOSES,
    },
    {  # wolves, foxes (and the hyena) counted as dogs
        "name": "imagenet_to_cat_dog: wolves and foxes 269-280 counted as dogs",
        "cell": _FOLD,
        "find": "rows[:, 151:269]",
        "replace": "rows[:, 151:281]",
        "loses": _LOSES,
    },
    {  # the raw sums: rows do not add up to 1
        "name": "imagenet_to_cat_dog: not renormalised",
        "cell": _FOLD,
        "find": " / total[seen, np.newaxis]",
        "replace": "",
        "loses": _LOSES,
    },
    {  # renormalised by the whole row (which is 1 for a softmax): the same as not renormalising
        "name": "imagenet_to_cat_dog: divided by the row's total instead of cat + dog",
        "cell": _FOLD,
        "find": "    total = cat + dog\n",
        "replace": "    total = rows.sum(axis=1)\n",
        "loses": _LOSES,
    },
    {  # the columns the wrong way round
        "name": "imagenet_to_cat_dog: [P(dog), P(cat)]",
        "cell": _FOLD,
        "find": "np.stack([cat[seen], dog[seen]], axis=1)",
        "replace": "np.stack([dog[seen], cat[seen]], axis=1)",
        "loses": _LOSES,
    },
    {  # cat and dog ranges swapped in the sums
        "name": "imagenet_to_cat_dog: cat and dog ranges swapped",
        "cell": _FOLD,
        "find": "    cat = rows[:, 281:286].sum(axis=1)   # domestic cats 281-285\n"
        "    dog = rows[:, 151:269].sum(axis=1)   # dog breeds 151-268\n",
        "replace": "    dog = rows[:, 281:286].sum(axis=1)\n    cat = rows[:, 151:269].sum(axis=1)\n",
        "loses": _LOSES,
    },
    {  # no zero-mass handling: 0 / 0 = nan
        "name": "imagenet_to_cat_dog: no [0.5, 0.5] for a row without cat or dog mass",
        "cell": _FOLD,
        "find": "    seen = total > 0\n",
        "replace": "    seen = np.ones(len(rows), bool)\n",
        "loses": _LOSES,
    },
    {  # zero-mass rows become [0, 0] instead of [0.5, 0.5]
        "name": "imagenet_to_cat_dog: [0, 0] for a row without cat or dog mass",
        "cell": _FOLD,
        "find": "np.full((len(rows), 2), 0.5)",
        "replace": "np.zeros((len(rows), 2))",
        "loses": _LOSES,
    },
    {  # no shape check: a (3, 1001) array is sliced without complaint
        "name": "imagenet_to_cat_dog: no check of the number of classes",
        "cell": _FOLD,
        "find": "if rows.ndim != 2 or rows.shape[1] != 1000:",
        "replace": "if rows.ndim != 2:",
        "loses": _LOSES,
    },
    {  # a single vector returned as (2,), not as a batch of one
        "name": "imagenet_to_cat_dog: (1000,) -> (2,)",
        "cell": _FOLD,
        "find": "    return folded\n",
        "replace": "    return folded[0] if np.ndim(probs) == 1 else folded\n",
        "loses": _LOSES,
    },
]

# From part D of the notebook
_MISTAKES = "most_confident_mistakes"
_CAM = "grad_cam"
_UP = "upsample_heatmap"
_LOSES_MISTAKES = {"test_most_confident_mistakes"}
_LOSES_CAM = {"test_grad_cam"}
_LOSES_UP = {"test_upsample_heatmap"}

_PART_D = [
    # --- Exercise 3: most_confident_mistakes
    {  # reversing an ascending sort puts equal confidences in reverse index order
        "name": "most_confident_mistakes: ties by the larger index (argsort()[::-1])",
        "cell": _MISTAKES,
        "find": 'order = np.argsort(-confidence, kind="stable")',
        "replace": 'order = np.argsort(confidence, kind="stable")[::-1]',
        "loses": _LOSES_MISTAKES,
    },
    {  # "most wrong" read as the lowest probability of the true class: differs with 3+ classes
        "name": "most_confident_mistakes: confidence = 1 - P(true class)",
        "cell": _MISTAKES,
        "find": "confidence = probs[wrong, predicted[wrong]]",
        "replace": "confidence = 1 - probs[wrong, labels[wrong]]",
        "loses": _LOSES_MISTAKES,
    },
    {  # every row ranked, right or wrong
        "name": "most_confident_mistakes: correct rows not removed",
        "cell": _MISTAKES,
        "find": "wrong = np.flatnonzero(predicted != labels)",
        "replace": "wrong = np.arange(len(labels))",
        "loses": _LOSES_MISTAKES,
    },
    {  # the least confident mistakes first
        "name": "most_confident_mistakes: ascending order",
        "cell": _MISTAKES,
        "find": 'order = np.argsort(-confidence, kind="stable")',
        "replace": 'order = np.argsort(confidence, kind="stable")',
        "loses": _LOSES_MISTAKES,
    },
    {  # k ignored
        "name": "most_confident_mistakes: all mistakes, k ignored",
        "cell": _MISTAKES,
        "find": "return wrong[order][:k]",
        "replace": "return wrong[order]",
        "loses": _LOSES_MISTAKES,
    },
    {  # a Python list instead of an array
        "name": "most_confident_mistakes: returns a list",
        "cell": _MISTAKES,
        "find": "return wrong[order][:k]",
        "replace": "return wrong[order][:k].tolist()",
        "loses": _LOSES_MISTAKES,
    },
    {  # no check of k: a negative k slices from the end
        "name": "most_confident_mistakes: k not checked",
        "cell": _MISTAKES,
        "find": " or k < 0:",
        "replace": " and k < 0:",
        "loses": _LOSES_MISTAKES,
    },
    # --- Exercise 4: grad_cam
    {  # the negative evidence kept: the map of class 1 goes below 0 on the red patch
        "name": "grad_cam: no ReLU",
        "cell": _CAM,
        "find": "cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1)).numpy()",
        "replace": "cam = tf.reduce_sum(maps[0] * weights, axis=-1).numpy()",
        "loses": _LOSES_CAM,
    },
    {  # the regions that speak against the class
        "name": "grad_cam: the gradient's sign flipped",
        "cell": _CAM,
        "find": "weights = tf.reduce_mean(grads, axis=(0, 1))",
        "replace": "weights = -tf.reduce_mean(grads, axis=(0, 1))",
        "loses": _LOSES_CAM,
    },
    {  # gradient x activation at each position, no averaging into channel weights
        "name": "grad_cam: weights not averaged (gradient times activation per position)",
        "cell": _CAM,
        "find": "weights = tf.reduce_mean(grads, axis=(0, 1))",
        "replace": "weights = grads",
        "loses": _LOSES_CAM,
    },
    {  # averaged over the channels instead of the positions
        "name": "grad_cam: mean over the channel axis",
        "cell": _CAM,
        "find": "weights = tf.reduce_mean(grads, axis=(0, 1))",
        "replace": "weights = tf.reduce_mean(grads, axis=-1, keepdims=True)",
        "loses": _LOSES_CAM,
    },
    {  # values not in [0, 1]
        "name": "grad_cam: not normalised",
        "cell": _CAM,
        "find": "return cam / top if top > 0 else cam",
        "replace": "return cam",
        "loses": _LOSES_CAM,
    },
    {  # min-max scaling: the smallest positive value becomes 0
        "name": "grad_cam: min-max normalisation",
        "cell": _CAM,
        "find": "return cam / top if top > 0 else cam",
        "replace": "return (cam - cam.min()) / (top - cam.min()) if top > cam.min() else cam",
        "loses": _LOSES_CAM,
    },
    {  # an all-zero map divided by 0
        "name": "grad_cam: divides by a zero maximum (NaN)",
        "cell": _CAM,
        "find": "return cam / top if top > 0 else cam",
        "replace": "return cam / top",
        "loses": _LOSES_CAM,
    },
    {  # the softmax output as the score
        "name": "grad_cam: softmax probability instead of the logit",
        "cell": _CAM,
        "find": "use_logit = isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax",
        "replace": "use_logit = False",
        "loses": _LOSES_CAM,
    },
    {  # the Keras example's trick: edits the trained model
        "name": "grad_cam: removes the model's softmax (model changed)",
        "cell": _CAM,
        "find": "        if use_logit:\n            scores = scores @ last.kernel",
        "replace": "        if use_logit:\n            last.activation = keras.activations.linear\n"
        "            scores = scores @ last.kernel",
        "loses": _LOSES_CAM,
    },
    {  # the least likely class by default
        "name": "grad_cam: argmin for class_index=None",
        "cell": _CAM,
        "find": "class_index = int(tf.argmax(scores[0]))",
        "replace": "class_index = int(tf.argmin(scores[0]))",
        "loses": _LOSES_CAM,
    },
    {  # class_index ignored
        "name": "grad_cam: always the predicted class",
        "cell": _CAM,
        "find": "        if class_index is None:\n            class_index = int(tf.argmax(scores[0]))\n",
        "replace": "        class_index = int(tf.argmax(scores[0]))\n",
        "loses": _LOSES_CAM,
    },
    # --- Exercise 5: upsample_heatmap
    {  # blocks instead of blends
        "name": "upsample_heatmap: nearest neighbour",
        "cell": _UP,
        "find": 'method="bilinear"',
        "replace": 'method="nearest"',
        "loses": _LOSES_UP,
    },
    {  # bicubic overshoots and differs
        "name": "upsample_heatmap: bicubic",
        "cell": _UP,
        "find": 'method="bilinear"',
        "replace": 'method="bicubic"',
        "loses": _LOSES_UP,
    },
    {  # TF1's align_corners grid
        "name": "upsample_heatmap: align_corners=True (tf.compat.v1)",
        "cell": _UP,
        "find": 'resized = tf.image.resize(heatmap[..., None], size, method="bilinear")[..., 0]',
        "replace": "resized = tf.compat.v1.image.resize(heatmap[..., None], size, align_corners=True)[..., 0]",
        "loses": _LOSES_UP,
    },
    {  # (W, H) as PIL and OpenCV take it
        "name": "upsample_heatmap: size read as (width, height)",
        "cell": _UP,
        "find": "resized = tf.image.resize(heatmap[..., None], size,",
        "replace": "resized = tf.image.resize(heatmap[..., None], size[::-1],",
        "loses": _LOSES_UP,
    },
    {  # the channel axis left on
        "name": "upsample_heatmap: returns (H, W, 1)",
        "cell": _UP,
        "find": 'method="bilinear")[..., 0]',
        "replace": 'method="bilinear")',
        "loses": _LOSES_UP,
    },
    {  # no input checks
        "name": "upsample_heatmap: bad size not rejected",
        "cell": _UP,
        "find": "    if len(size) != 2 or not all(",
        "replace": "    if False and not all(",
        "loses": _LOSES_UP,
    },
]


# Survivors of the blind review (two students who had not seen the tests); each is now caught
_PART_REVIEW = [
    {  # np.array([]) is float64: an empty result of another dtype than every other result
        "name": "image_sizes: no dtype=int (an empty result is float64)",
        "cell": "image_sizes",
        "find": "return np.array(sizes, dtype=int).reshape(-1, 2), unreadable",
        "replace": "return np.array(sizes).reshape(-1, 2), unreadable",
        "loses": {"test_image_sizes"},
    },
    {  # reshaping in place changes the caller's (1000,) vector into (1, 1000)
        "name": "imagenet_to_cat_dog: reshapes the caller's (1000,) array in place",
        "cell": "imagenet_to_cat_dog",
        "find": "        rows = rows[np.newaxis, :]",
        "replace": "        rows.shape = (1, rows.shape[0])",
        "loses": {"test_imagenet_to_cat_dog"},
    },
    {  # np.array of an empty list is float64 and cannot index another array
        "name": "most_confident_mistakes: built from a list (an empty result is float64)",
        "cell": "most_confident_mistakes",
        "find": "    return wrong[order][:k]",
        "replace": "    return np.array(wrong[order][:k].tolist())",
        "loses": {"test_most_confident_mistakes"},
    },
    {  # without tape.watch a layer computed from the image alone has no gradient
        "name": "grad_cam: no tape.watch on the image",
        "cell": "grad_cam",
        "find": "        tape.watch(image)\n",
        "replace": "",
        "loses": {"test_grad_cam"},
    },
    {  # the bias decides the argmax when class_index is None
        "name": "grad_cam: the logit without the bias",
        "cell": "grad_cam",
        "find": "scores = scores @ last.kernel + (0.0 if last.bias is None else last.bias)",
        "replace": "scores = scores @ last.kernel",
        "loses": {"test_grad_cam"},
    },
    {  # Dense(use_bias=False) has bias None
        "name": "grad_cam: adds layer.bias even when it is None",
        "cell": "grad_cam",
        "find": "scores = scores @ last.kernel + (0.0 if last.bias is None else last.bias)",
        "replace": "scores = scores @ last.kernel + last.bias",
        "loses": {"test_grad_cam"},
    },
    {  # values outside [0, 1] come through
        "name": "upsample_heatmap: no clipping",
        "cell": "upsample_heatmap",
        "find": "    return np.clip(resized.numpy(), 0.0, 1.0)",
        "replace": "    return resized.numpy()",
        "loses": {"test_upsample_heatmap"},
    },
    {  # stretching to [0, 1] changes a map whose range is narrower
        "name": "upsample_heatmap: min-max rescaling instead of clipping",
        "cell": "upsample_heatmap",
        "find": "    return np.clip(resized.numpy(), 0.0, 1.0)",
        "replace": "    resized = resized.numpy()\n    return (resized - resized.min()) / (resized.max() - resized.min())",
        "loses": {"test_upsample_heatmap"},
    },
    {  # clipping the caller's array in place before resizing
        "name": "upsample_heatmap: clips the caller's array in place",
        "cell": "upsample_heatmap",
        "find": '    heatmap = np.asarray(heatmap, dtype="float32")\n',
        "replace": "    heatmap = np.asarray(heatmap)\n    np.clip(heatmap, 0.0, 1.0, out=heatmap)\n"
        '    heatmap = heatmap.astype("float32")\n',
        "loses": {"test_upsample_heatmap"},
    },
]

CASES = _PART_A + _PART_B + _PART_D + _PART_REVIEW

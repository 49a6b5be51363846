"""Plausible wrong answers for notebook 06-classic-architectures (format: see tests/wrong_answers/__init__.py)."""

# From part A of the notebook
_ALEXNET = "build_alexnet"
_LRN = "local_response_norm"

_PART_A = [
    # --- Exercise 1: build_alexnet
    {  # "same" everywhere, as in VGG: conv1 then gives 57 x 57 maps instead of 55 x 55
        "name": "conv1 padded ('same')",
        "cell": _ALEXNET,
        "find": 'layers.Conv2D(96, 11, strides=4, padding="valid"',
        "replace": 'layers.Conv2D(96, 11, strides=4, padding="same"',
        "loses": {"test_build_alexnet"},
    },
    {  # non-overlapping 2x2 pools: the same sizes for 227 x 227 (the paper says so), not the same layer
        "name": "2x2 pools instead of overlapping 3x3",
        "cell": _ALEXNET,
        "find": "layers.MaxPooling2D(pool_size=3, strides=2",
        "replace": "layers.MaxPooling2D(pool_size=2, strides=2",
        "loses": {"test_build_alexnet"},
    },
    {  # the pool's stride left to its default (= pool_size): 3x3 windows moved by 3
        "name": "pools with stride 3 (the default)",
        "cell": _ALEXNET,
        "find": "layers.MaxPooling2D(pool_size=3, strides=2",
        "replace": "layers.MaxPooling2D(pool_size=3, strides=3",
        "loses": {"test_build_alexnet"},
    },
    {  # conv2 without its padding of 2: 23 x 23 maps
        "name": "conv2 without padding",
        "cell": _ALEXNET,
        "find": 'layers.Conv2D(256, 5, strides=1, padding="same"',
        "replace": 'layers.Conv2D(256, 5, strides=1, padding="valid"',
        "loses": {"test_build_alexnet"},
    },
    {  # the second dropout forgotten
        "name": "no dropout after fc7",
        "cell": _ALEXNET,
        "find": '    features = layers.Dropout(0.5, name="drop7")(features)\n',
        "replace": "",
        "loses": {"test_build_alexnet"},
    },
    {  # dropout rate misread as "keep 0.8"
        "name": "dropout rate 0.2",
        "cell": _ALEXNET,
        "find": 'layers.Dropout(0.5, name="drop6")',
        "replace": 'layers.Dropout(0.2, name="drop6")',
        "loses": {"test_build_alexnet"},
    },
    {  # half-width dense layers (one GPU's half of the paper's figure)
        "name": "fc7 with 2048 units",
        "cell": _ALEXNET,
        "find": 'layers.Dense(4096, activation="relu", name="fc7")',
        "replace": 'layers.Dense(2048, activation="relu", name="fc7")',
        "loses": {"test_build_alexnet"},
    },
    {  # a linear hidden dense layer
        "name": "fc6 without ReLU",
        "cell": _ALEXNET,
        "find": 'layers.Dense(4096, activation="relu", name="fc6")',
        "replace": 'layers.Dense(4096, name="fc6")',
        "loses": {"test_build_alexnet"},
    },
    {  # the 1000 ImageNet classes hard-coded
        "name": "num_classes ignored",
        "cell": _ALEXNET,
        "find": "layers.Dense(num_classes, ",
        "replace": "layers.Dense(1000, ",
        "loses": {"test_build_alexnet"},
    },
    {  # the paper's two-GPU grouping copied into the one-GPU model
        "name": "conv4 split in two groups",
        "cell": _ALEXNET,
        "find": 'layers.Conv2D(384, 3, strides=1, padding="same", activation="relu", name="conv4")',
        "replace": 'layers.Conv2D(384, 3, strides=1, padding="same", activation="relu", groups=2, name="conv4")',
        "loses": {"test_build_alexnet"},
    },
    {  # conv3 and conv4 widths swapped with conv5's
        "name": "conv3 with 256 filters",
        "cell": _ALEXNET,
        "find": 'layers.Conv2D(384, 3, strides=1, padding="same", activation="relu", name="conv3")',
        "replace": 'layers.Conv2D(256, 3, strides=1, padding="same", activation="relu", name="conv3")',
        "loses": {"test_build_alexnet"},
    },
    {  # the input shape ignored: always 227 x 227 x 3
        "name": "input_shape ignored",
        "cell": _ALEXNET,
        "find": "inputs = keras.Input(shape=input_shape)",
        "replace": "inputs = keras.Input(shape=(227, 227, 3))",
        "loses": {"test_build_alexnet"},
    },
    # --- Exercise 2: local_response_norm
    {  # Caffe's and PyTorch's convention: alpha divided by the window size
        "name": "LRN with alpha / n",
        "cell": _LRN,
        "find": "return a / (k + alpha * window_sums) ** beta",
        "replace": "return a / (k + alpha / n * window_sums) ** beta",
        "loses": {"test_local_response_norm"},
    },
    {  # n read as the radius: 2n + 1 channels in the window
        "name": "LRN radius n instead of n // 2",
        "cell": _LRN,
        "find": "radius = n // 2",
        "replace": "radius = n",
        "loses": {"test_local_response_norm"},
    },
    {  # the plain activations summed, not their squares
        "name": "LRN without squaring",
        "cell": _LRN,
        "find": "squares = a ** 2",
        "replace": "squares = a",
        "loses": {"test_local_response_norm"},
    },
    {  # the window wraps around the channels (np.roll)
        "name": "LRN window wraps around (np.roll)",
        "cell": _LRN,
        "find": (
            "    window_sums = np.zeros_like(squares)\n    for c in range(channels):\n"
            "        window_sums[..., c] = squares[..., max(0, c - radius):min(channels, c + radius + 1)]"
            ".sum(axis=-1)\n"
        ),
        "replace": (
            "    window_sums = sum(np.roll(squares, shift, axis=-1) for shift in range(-radius, radius + 1))\n"
        ),
        "loses": {"test_local_response_norm"},
    },
    {  # beta applied to the whole quotient
        "name": "LRN with beta outside the quotient",
        "cell": _LRN,
        "find": "return a / (k + alpha * window_sums) ** beta",
        "replace": "return (a / (k + alpha * window_sums)) ** beta",
        "loses": {"test_local_response_norm"},
    },
    {  # beta applied to the sum only, not to k + alpha * sum
        "name": "LRN with beta on the sum only",
        "cell": _LRN,
        "find": "return a / (k + alpha * window_sums) ** beta",
        "replace": "return a / (k + (alpha * window_sums) ** beta)",
        "loses": {"test_local_response_norm"},
    },
    {  # a window one channel short on the right (c - 2 .. c + 1)
        "name": "LRN window off by one",
        "cell": _LRN,
        "find": "min(channels, c + radius + 1)",
        "replace": "min(channels, c + radius)",
        "loses": {"test_local_response_norm"},
    },
    {  # normalised over the width axis instead of the channels
        "name": "LRN over the wrong axis",
        "cell": _LRN,
        "find": (
            "    window_sums = np.zeros_like(squares)\n    for c in range(channels):\n"
            "        window_sums[..., c] = squares[..., max(0, c - radius):min(channels, c + radius + 1)]"
            ".sum(axis=-1)\n"
        ),
        "replace": (
            "    window_sums = np.zeros_like(squares)\n    width = a.shape[2]\n    for c in range(width):\n"
            "        window_sums[:, :, c] = squares[:, :, max(0, c - radius):min(width, c + radius + 1)]"
            ".sum(axis=2)\n"
        ),
        "loses": {"test_local_response_norm"},
    },
    {  # divides the caller's array in place
        "name": "LRN divides the input in place",
        "cell": _LRN,
        "find": "    return a / (k + alpha * window_sums) ** beta",
        "replace": "    a /= (k + alpha * window_sums) ** beta\n    return a",
        "loses": {"test_local_response_norm"},
    },
    {  # float64 always: a float32 batch comes back as float64
        "name": "LRN converts to float64",
        "cell": _LRN,
        "find": "a = np.asarray(a)",
        "replace": "a = np.asarray(a, dtype=float)",
        "loses": {"test_local_response_norm"},
    },
]


# From part B of the notebook
_VGG = {"test_build_vgg16"}
_MULTS = {"test_conv_multiplications"}
_INCEPTION = {"test_inception_module"}

_PART_B = [
    # --- Exercise 3: vgg_block and build_vgg16
    {  # VGG13's block 3 (or a misread table): two convolutions where VGG16 has three
        "name": "VGG with 2 convolutions in block 3",
        "cell": "build_vgg16",
        "find": "(256, 3)",
        "replace": "(256, 2)",
        "loses": _VGG,
    },
    {  # Keras' default padding: every convolution takes 2 pixels off each side
        "name": "VGG with valid padding",
        "cell": "build_vgg16",
        "find": 'padding="same"',
        "replace": 'padding="valid"',
        "loses": _VGG,
    },
    {  # the lecture notes' "s=(1,1)" beside block1_pool taken literally
        "name": "VGG pools with stride 1",
        "cell": "build_vgg16",
        "find": "strides=(2, 2)",
        "replace": "strides=(1, 1)",
        "loses": _VGG,
    },
    {  # a smaller classifier: fc2 with 1024 units
        "name": "VGG fc2 with 1024 units",
        "cell": "build_vgg16",
        "find": 'keras.layers.Dense(4096, activation="relu", name="fc2")',
        "replace": 'keras.layers.Dense(1024, activation="relu", name="fc2")',
        "loses": _VGG,
    },
    {  # Dense on the 7 x 7 x 512 maps: Keras applies it to the last axis, per position
        "name": "VGG without Flatten",
        "cell": "build_vgg16",
        "find": '        x = keras.layers.Flatten(name="flatten")(x)\n',
        "replace": "",
        "loses": _VGG,
    },
    {  # linear convolutions: the ReLU forgotten
        "name": "VGG convolutions without ReLU",
        "cell": "build_vgg16",
        "find": 'padding="same", activation="relu",',
        "replace": 'padding="same",',
        "loses": _VGG,
    },
    # --- Exercise 4: conv_multiplications
    {  # k instead of k * k
        "name": "multiplications with k instead of k*k",
        "cell": "conv_multiplications",
        "find": "int(k) * int(k) * int(c_in)",
        "replace": "int(k) * int(c_in)",
        "loses": _MULTS,
    },
    {  # the input channels forgotten: "a 5x5 filter has 25 weights"
        "name": "multiplications without c_in",
        "cell": "conv_multiplications",
        "find": "int(k) * int(k) * int(c_in)",
        "replace": "int(k) * int(k)",
        "loses": _MULTS,
    },
    {  # the bias counted as a multiplication
        "name": "multiplications counting the bias",
        "cell": "conv_multiplications",
        "find": "int(k) * int(k) * int(c_in)",
        "replace": "(int(k) * int(k) * int(c_in) + 1)",
        "loses": _MULTS,
    },
    {  # the output shrunk as if the convolution were "valid"
        "name": "multiplications for a valid output",
        "cell": "conv_multiplications",
        "find": "int(h) * int(w) *",
        "replace": "(int(h) - int(k) + 1) * (int(w) - int(k) + 1) *",
        "loses": _MULTS,
    },
    {  # no validation at all
        "name": "multiplications without checking the arguments",
        "cell": "conv_multiplications",
        "find": "        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:\n",
        "replace": "        if False:\n",
        "loses": _MULTS,
    },
    # --- Exercise 5: inception_module
    {  # the 3x3 and 5x5 branches swapped in the concatenation
        "name": "Inception branches concatenated 1x1, 5x5, 3x3, pool",
        "cell": "inception_module",
        "find": "[branch_1x1, branch_3x3, branch_5x5, branch_pool]",
        "replace": "[branch_1x1, branch_5x5, branch_3x3, branch_pool]",
        "loses": _INCEPTION,
    },
    {  # the naive module's pool branch: all input channels passed on
        "name": "Inception pool branch without the 1x1 projection",
        "cell": "inception_module",
        "find": 'branch_pool = conv(pooled, pool_proj, 1, "pool_proj")',
        "replace": "branch_pool = pooled",
        "loses": _INCEPTION,
    },
    {  # valid pooling: the pool's output is smaller than the others
        "name": "Inception pool with valid padding",
        "cell": "inception_module",
        "find": 'MaxPooling2D(3, strides=1, padding="same"',
        "replace": 'MaxPooling2D(3, strides=1, padding="valid"',
        "loses": _INCEPTION,
    },
    {  # the pool's stride left at its default (3)
        "name": "Inception pool with the default stride",
        "cell": "inception_module",
        "find": 'MaxPooling2D(3, strides=1, padding="same"',
        "replace": 'MaxPooling2D(3, padding="same"',
        "loses": _INCEPTION,
    },
    {  # linear convolutions
        "name": "Inception without ReLU",
        "cell": "inception_module",
        "find": 'padding="same", activation="relu",',
        "replace": 'padding="same",',
        "loses": _INCEPTION,
    },
    {  # the 3x3 reads the input directly (the reduce layer built but not used)
        "name": "Inception 3x3 on the input, not on its reduce layer",
        "cell": "inception_module",
        "find": 'branch_3x3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")',
        "replace": 'conv(x, f3_reduce, 1, "3x3_reduce")\n    branch_3x3 = conv(x, f3, 3, "3x3")',
        "loses": _INCEPTION,
    },
]

EXTRA = [
    # --- Exercise 3: vgg_block and build_vgg16
    {  # 1000 classes hard-coded
        "name": "VGG ignores num_classes",
        "cell": "build_vgg16",
        "find": "keras.layers.Dense(num_classes,",
        "replace": "keras.layers.Dense(1000,",
        "loses": _VGG,
    },
    {  # the top is always added
        "name": "VGG ignores include_top",
        "cell": "build_vgg16",
        "find": "if include_top:",
        "replace": "if True:",
        "loses": _VGG,
    },
    {  # blocks numbered from 0: block0_conv1 ... block4_pool
        "name": "VGG blocks numbered from 0",
        "cell": "build_vgg16",
        "find": "start=1):",
        "replace": "start=0):",
        "loses": _VGG,
    },
    {  # the convolutions numbered from 0 inside each block
        "name": "VGG convolutions numbered from 0",
        "cell": "build_vgg16",
        "find": 'name=f"block{block}_conv{i}"',
        "replace": 'name=f"block{block}_conv{i - 1}"',
        "loses": _VGG,
    },
    {  # average instead of max pooling
        "name": "VGG with average pooling",
        "cell": "build_vgg16",
        "find": "keras.layers.MaxPooling2D((2, 2)",
        "replace": "keras.layers.AveragePooling2D((2, 2)",
        "loses": _VGG,
    },
    {  # the paper's training-time dropout added after fc1 and fc2
        "name": "VGG with dropout after fc1 and fc2",
        "cell": "build_vgg16",
        "find": '        x = keras.layers.Dense(4096, activation="relu", name="fc2")(x)\n',
        "replace": "        x = keras.layers.Dropout(0.5)(x)\n"
        '        x = keras.layers.Dense(4096, activation="relu", name="fc2")(x)\n'
        "        x = keras.layers.Dropout(0.5)(x)\n",
        "loses": _VGG,
    },
    {  # the output layer without its softmax (logits)
        "name": "VGG predictions without softmax",
        "cell": "build_vgg16",
        "find": 'activation="softmax", name="predictions"',
        "replace": 'name="predictions"',
        "loses": _VGG,
    },
    {  # "same" padding on the pools too: odd sides round up
        "name": "VGG pools with same padding",
        "cell": "build_vgg16",
        "find": 'strides=(2, 2), name=f"block{block}_pool"',
        "replace": 'strides=(2, 2), padding="same", name=f"block{block}_pool"',
        "loses": _VGG,
    },
    {  # one convolution fewer in every block: range(1, convs)
        "name": "vgg_block off by one (convs - 1 convolutions)",
        "cell": "build_vgg16",
        "find": "for i in range(1, convs + 1):",
        "replace": "for i in range(1, convs):",
        "loses": _VGG,
    },
    # --- Exercise 4: conv_multiplications
    {  # the output channels forgotten
        "name": "multiplications without c_out",
        "cell": "conv_multiplications",
        "find": "int(h) * int(w) * int(c_out) *",
        "replace": "int(h) * int(w) *",
        "loses": _MULTS,
    },
    {  # a square output assumed
        "name": "multiplications with h * h",
        "cell": "conv_multiplications",
        "find": "int(h) * int(w) *",
        "replace": "int(h) * int(h) *",
        "loses": _MULTS,
    },
    {  # only negative numbers refused: 2.5 and 0 go through
        "name": "multiplications refusing only negative sizes",
        "cell": "conv_multiplications",
        "find": "if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:",
        "replace": "if value < 0:",
        "loses": _MULTS,
    },
    {  # NumPy integers refused: isinstance(value, int) only
        "name": "multiplications refusing NumPy integers",
        "cell": "conv_multiplications",
        "find": "not isinstance(value, (int, np.integer))",
        "replace": "not isinstance(value, int)",
        "loses": _MULTS,
    },
    # --- Exercise 5: inception_module
    {  # the pool branch first, as some drawings show it on the left
        "name": "Inception with the pool branch first",
        "cell": "inception_module",
        "find": "[branch_1x1, branch_3x3, branch_5x5, branch_pool]",
        "replace": "[branch_pool, branch_1x1, branch_3x3, branch_5x5]",
        "loses": _INCEPTION,
    },
    {  # average pooling in the pool branch
        "name": "Inception with average pooling",
        "cell": "inception_module",
        "find": "keras.layers.MaxPooling2D(3,",
        "replace": "keras.layers.AveragePooling2D(3,",
        "loses": _INCEPTION,
    },
    {  # kernel sizes swapped in the 5x5 branch: 5x5 first, then 1x1
        "name": "Inception 5x5 branch in the wrong order",
        "cell": "inception_module",
        "find": 'conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")',
        "replace": 'conv(conv(x, f5_reduce, 5, "5x5_reduce"), f5, 1, "5x5")',
        "loses": _INCEPTION,
    },
    {  # f3 and f5 swapped between the branches
        "name": "Inception with f3 and f5 swapped",
        "cell": "inception_module",
        "find": 'f3, 3, "3x3")',
        "replace": 'f5, 3, "3x3")',
        "loses": _INCEPTION,
    },
    {  # concatenated along the width instead of the channels
        "name": "Inception concatenated on axis 2",
        "cell": "inception_module",
        "find": "Concatenate(axis=-1",
        "replace": "Concatenate(axis=2",
        "loses": _INCEPTION,
    },
]


# From part C of the notebook
_SEP = {"test_separable_multiplications"}
_DENSE = {"test_densenet_blocks_dense"}
_TRANSITION = {"test_densenet_blocks_transition"}

_PART_C = [
    # --- Exercise 6: separable_multiplications
    {  # only the k x k step counted: "the 1x1 is cheap, ignore it"
        "name": "separable counted as the depthwise step only",
        "cell": "separable_multiplications",
        "find": "return int(depthwise + pointwise)",
        "replace": "return int(depthwise)",
        "loses": _SEP,
    },
    {  # each 1x1 filter counted as one multiplication per position, not one per input map
        "name": "pointwise without c_in",
        "cell": "separable_multiplications",
        "find": "pointwise = h * w * depthwise_maps * c_out",
        "replace": "pointwise = h * w * depth_multiplier * c_out",
        "loses": _SEP,
    },
    {  # the depth multiplier accepted but never used
        "name": "depth_multiplier ignored",
        "cell": "separable_multiplications",
        "find": "depthwise_maps = c_in * depth_multiplier",
        "replace": "depthwise_maps = c_in",
        "loses": _SEP,
    },
    {  # m filters per channel in the depthwise step, but the 1x1 still reads only c_in maps
        "name": "depth_multiplier in the depthwise step only",
        "cell": "separable_multiplications",
        "find": "pointwise = h * w * depthwise_maps * c_out",
        "replace": "pointwise = h * w * c_in * c_out",
        "loses": _SEP,
    },
    {  # a k x k filter counted as k multiplications
        "name": "k instead of k * k",
        "cell": "separable_multiplications",
        "find": "depthwise = h * w * depthwise_maps * k * k",
        "replace": "depthwise = h * w * depthwise_maps * k",
        "loses": _SEP,
    },
    {  # the full convolution's c_out kept in the depthwise step: h*w*c_in*k*k*c_out + pointwise
        "name": "depthwise step with c_out filters per channel",
        "cell": "separable_multiplications",
        "find": "depthwise = h * w * depthwise_maps * k * k",
        "replace": "depthwise = h * w * depthwise_maps * k * k * c_out",
        "loses": _SEP,
    },
    {  # no argument check: 0 channels give 0 multiplications instead of an error
        "name": "no check of the arguments",
        "cell": "separable_multiplications",
        "find": "if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:",
        "replace": "if False:",
        "loses": _SEP,
    },
    {  # only the sign checked: 2.5 rows accepted
        "name": "non-integer sizes accepted",
        "cell": "separable_multiplications",
        "find": "if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:",
        "replace": "if value < 1:",
        "loses": _SEP,
    },
    {  # the new argument forgotten in the check
        "name": "depth_multiplier not checked",
        "cell": "separable_multiplications",
        "find": """"c_out": c_out,
                 "depth_multiplier": depth_multiplier}""",
        "replace": """"c_out": c_out}""",
        "loses": _SEP,
    },
    # --- Exercise 9, dense_block
    {  # ResNet-like: each layer replaces x instead of being concatenated to it (a plain chain)
        "name": "dense_block without concatenation (each layer sees only the last output)",
        "cell": "densenet_blocks",
        "find": """x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, new])""",
        "replace": """x = keras.layers.Activation("linear", name=f"{prefix}_concat")(new)""",
        "loses": _DENSE,
    },
    {  # ResNet's addition instead of DenseNet's concatenation (needs as many new maps as x has)
        "name": "dense_block adds instead of concatenating",
        "cell": "densenet_blocks",
        "find": """new = keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)
        x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, new])""",
        "replace": """new = keras.layers.Conv2D(x.shape[-1], 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)
        x = keras.layers.Add(name=f"{prefix}_concat")([x, new])""",
        "loses": _DENSE,
    },
    {  # every layer concatenated to the block's input only: [x0, x_l] instead of [x0, ..., x_l]
        "name": "dense_block concatenating the block input and the last output only",
        "cell": "densenet_blocks",
        "find": """    for i in range(1, num_layers + 1):
        prefix = f"{name}_block{i}"
        new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_0_bn")(x)
        new = keras.layers.Activation("relu", name=f"{prefix}_0_relu")(new)
        new = keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")(new)
        new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_1_bn")(new)
        new = keras.layers.Activation("relu", name=f"{prefix}_1_relu")(new)
        new = keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)
        x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, new])""",
        "replace": """    block_input = x
    for i in range(1, num_layers + 1):
        prefix = f"{name}_block{i}"
        new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_0_bn")(x)
        new = keras.layers.Activation("relu", name=f"{prefix}_0_relu")(new)
        new = keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")(new)
        new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_1_bn")(new)
        new = keras.layers.Activation("relu", name=f"{prefix}_1_relu")(new)
        new = keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)
        x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([block_input, new])""",
        "loses": _DENSE,
    },
    {  # a chain whose outputs are only concatenated at the end: right channels, wrong inputs
        "name": "dense_block as a chain with one concatenation at the end",
        "cell": "densenet_blocks",
        "find": """        x = keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, new])
    return x""",
        "replace": """        maps = [x] if i == 1 else maps
        maps.append(new)
        x = new if i < num_layers else keras.layers.Concatenate(axis=-1, name=f"{prefix}_concat")(maps)
    return x""",
        "loses": _DENSE,
    },
    {  # the bottleneck with k filters instead of 4k
        "name": "bottleneck 1x1 with growth_rate filters instead of 4 * growth_rate",
        "cell": "densenet_blocks",
        "find": """keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")""",
        "replace": """keras.layers.Conv2D(growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")""",
        "loses": _DENSE,
    },
    {  # conv first (ResNet50's order): no BN/ReLU before the 1x1 convolution
        "name": "no BN and ReLU before the 1x1 convolution",
        "cell": "densenet_blocks",
        "find": """        new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_0_bn")(x)
        new = keras.layers.Activation("relu", name=f"{prefix}_0_relu")(new)
        new = keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")(new)""",
        "replace": """        new = keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")(x)""",
        "loses": _DENSE,
    },
    {  # DenseNet-121's growth rate hard-coded
        "name": "growth rate fixed at 32",
        "cell": "densenet_blocks",
        "find": """    for i in range(1, num_layers + 1):
        prefix = f"{name}_block{i}\"""",
        "replace": """    growth_rate = 32
    for i in range(1, num_layers + 1):
        prefix = f"{name}_block{i}\"""",
        "loses": _DENSE,
    },
    {  # Keras' default BN epsilon (1e-3) instead of DenseNet's 1.001e-5
        "name": "BatchNormalization with the default epsilon",
        "cell": "densenet_blocks",
        "find": """new = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{prefix}_1_bn")(new)""",
        "replace": """new = keras.layers.BatchNormalization(name=f"{prefix}_1_bn")(new)""",
        "loses": _DENSE,
    },
    {  # biases left on (redundant before BN, and extra parameters)
        "name": "convolutions with biases",
        "cell": "densenet_blocks",
        "find": """keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")""",
        "replace": """keras.layers.Conv2D(growth_rate, 3, padding="same", name=f"{prefix}_2_conv")""",
        "loses": _DENSE,
    },
    {  # the ReLU after the 3x3 convolution instead of before it
        "name": "second ReLU after the 3x3 convolution",
        "cell": "densenet_blocks",
        "find": """        new = keras.layers.Activation("relu", name=f"{prefix}_1_relu")(new)
        new = keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)""",
        "replace": """        new = keras.layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{prefix}_2_conv")(new)
        new = keras.layers.Activation("relu", name=f"{prefix}_1_relu")(new)""",
        "loses": _DENSE,
    },
    {  # the new maps first: [new, x] instead of the paper's [x0, ..., x_l]
        "name": "concatenation in the wrong order",
        "cell": "densenet_blocks",
        "find": """name=f"{prefix}_concat")([x, new])""",
        "replace": """name=f"{prefix}_concat")([new, x])""",
        "loses": _DENSE,
    },
    {  # no argument check
        "name": "dense_block without the argument check",
        "cell": "densenet_blocks",
        "find": """raise ValueError(f"{arg_name} must be a positive integer. Received: {arg_name}={value!r}")""",
        "replace": """pass""",
        "loses": _DENSE,
    },
    # --- Exercise 9, transition_block
    {  # the notes' "1x1 convolution followed by max pooling"
        "name": "transition with max pooling",
        "cell": "densenet_blocks",
        "find": """keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")""",
        "replace": """keras.layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")""",
        "loses": _TRANSITION,
    },
    {  # the channel count rounded up
        "name": "reduction rounded up",
        "cell": "densenet_blocks",
        "find": "filters = int(x.shape[-1] * reduction)",
        "replace": "filters = int(np.ceil(x.shape[-1] * reduction))",
        "loses": _TRANSITION,
    },
    {  # Python's round: 37.5 -> 38 (banker's rounding) and 7.5 -> 8
        "name": "reduction rounded to the nearest integer",
        "cell": "densenet_blocks",
        "find": "filters = int(x.shape[-1] * reduction)",
        "replace": "filters = round(x.shape[-1] * reduction)",
        "loses": _TRANSITION,
    },
    {  # "halve the channels": the argument ignored
        "name": "transition always halves the channels",
        "cell": "densenet_blocks",
        "find": "filters = int(x.shape[-1] * reduction)",
        "replace": "filters = x.shape[-1] // 2",
        "loses": _TRANSITION,
    },
    {  # the convolution straight on the block's output
        "name": "transition without BN and ReLU before the 1x1",
        "cell": "densenet_blocks",
        "find": """    x = keras.layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_bn")(x)
    x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
""",
        "replace": "",
        "loses": _TRANSITION,
    },
    {  # pooling with stride 1: the map keeps (nearly) its size
        "name": "transition pooling with stride 1",
        "cell": "densenet_blocks",
        "find": """keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")""",
        "replace": """keras.layers.AveragePooling2D(2, strides=1, name=f"{name}_pool")""",
        "loses": _TRANSITION,
    },
    {  # pooling before the convolution (cheaper, but not DenseNet's order)
        "name": "transition pools before the 1x1 convolution",
        "cell": "densenet_blocks",
        "find": """    x = keras.layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)
    x = keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)""",
        "replace": """    x = keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)
    x = keras.layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)""",
        "loses": _TRANSITION,
    },
    {  # no range check: reduction 0 builds a convolution with no filters
        "name": "transition without the reduction check",
        "cell": "densenet_blocks",
        "find": "if not 0 < reduction <= 1:",
        "replace": "if reduction > 1:",
        "loses": _TRANSITION,
    },
]


# From part D of the notebook
_BLOCKS = {"test_resnet_blocks"}
_RESNET = {"test_build_resnet50"}

_PART_D = [
    # --- Exercise 7: identity_block and conv_block
    {  # the example: ReLU(F(x)) + x, the addition after the block's last ReLU
        "name": "shortcut added after the final ReLU",
        "cell": "resnet_blocks",
        "find": '    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])\n'
        '    return keras.layers.Activation("relu", name=f"{name}_out")(y)',
        "replace": '    y = keras.layers.Activation("relu", name=f"{name}_out")(y)\n'
        '    return keras.layers.Add(name=f"{name}_add")([shortcut, y])',
        "loses": _BLOCKS,
    },
    {  # a ReLU on the last batch norm too (every conv "gets its ReLU"), then add and ReLU
        "name": "ReLU after the third batch norm as well",
        "cell": "resnet_blocks",
        "find": '    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_3_bn")(y)\n',
        "replace": '    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_3_bn")(y)\n'
        '    y = keras.layers.Activation("relu", name=f"{name}_3_relu")(y)\n',
        "loses": _BLOCKS,
    },
    {  # ResNet v1.5: the stride in the 3x3 instead of the first 1x1 (same shapes, same parameters)
        "name": "stride in the 3x3 convolution (v1.5)",
        "cell": "resnet_blocks",
        "find": '    y = keras.layers.Conv2D(filters, 1, strides=strides, name=f"{name}_1_conv")(x)\n'
        '    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_1_bn")(y)\n'
        '    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)\n'
        '    y = keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(y)',
        "replace": '    y = keras.layers.Conv2D(filters, 1, name=f"{name}_1_conv")(x)\n'
        '    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_1_bn")(y)\n'
        '    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)\n'
        '    y = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding="same", '
        'name=f"{name}_2_conv")(y)',
        "loses": _BLOCKS,
    },
    {  # the projection without its batch normalisation
        "name": "no batch norm on the projection shortcut",
        "cell": "resnet_blocks",
        "find": '    shortcut = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_0_bn")(shortcut)\n',
        "replace": "",
        "loses": _BLOCKS,
    },
    {  # the last 1x1 keeps `filters` channels instead of widening to 4 * filters
        "name": "last 1x1 without the factor 4",
        "cell": "resnet_blocks",
        "find": 'keras.layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")',
        "replace": 'keras.layers.Conv2D(filters, 1, name=f"{name}_3_conv")',
        "loses": _BLOCKS,
    },
    {  # Keras' default epsilon (1e-3) instead of ResNet50's 1.001e-5
        "name": "batch norm with the default epsilon",
        "cell": "resnet_blocks",
        "find": "eps = 1.001e-5",
        "replace": "eps = 1e-3",
        "loses": _BLOCKS,
    },
    {  # a projection without the stride: the shapes disagree at the addition
        "name": "projection shortcut without the stride",
        "cell": "resnet_blocks",
        "find": 'keras.layers.Conv2D(4 * filters, 1, strides=strides, name=f"{name}_0_conv")',
        "replace": 'keras.layers.Conv2D(4 * filters, 1, name=f"{name}_0_conv")',
        "loses": _BLOCKS,
    },
    {  # the 3x3 without padding="same": 2 pixels lost per side
        "name": "3x3 convolution with valid padding",
        "cell": "resnet_blocks",
        "find": 'keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")',
        "replace": 'keras.layers.Conv2D(filters, kernel_size, name=f"{name}_2_conv")',
        "loses": _BLOCKS,
    },
    {  # the middle convolution always 3x3, ignoring kernel_size
        "name": "kernel_size ignored",
        "cell": "resnet_blocks",
        "find": 'keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")',
        "replace": 'keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")',
        "loses": _BLOCKS,
    },
    {  # convolutions without biases (as in ResNet v2 / ResNeXt), same shapes
        "name": "convolutions without bias",
        "cell": "resnet_blocks",
        "find": 'keras.layers.Conv2D(filters, 1, name=f"{name}_1_conv")',
        "replace": 'keras.layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_1_conv")',
        "loses": _BLOCKS,
    },
    # --- Exercise 8: build_resnet50
    {  # ResNet101's stage lengths
        "name": "stages of 3, 4, 23, 3 blocks",
        "cell": "build_resnet50",
        "find": "(4, 256, 6, 2)",
        "replace": "(4, 256, 23, 2)",
        "loses": _RESNET,
    },
    {  # every stage downsamples, the first too
        "name": "first stage with stride 2",
        "cell": "build_resnet50",
        "find": "(2, 64, 3, 1)",
        "replace": "(2, 64, 3, 2)",
        "loses": _RESNET,
    },
    {  # the max pool without its ZeroPadding2D(1): 55 x 55 instead of 56 x 56
        "name": "max pool without padding",
        "cell": "build_resnet50",
        "find": '    x = keras.layers.ZeroPadding2D(1, name="pool1_pad")(x)\n',
        "replace": "",
        "loses": _RESNET,
    },
    {  # padding="same" in the 7x7 instead of ZeroPadding2D(3): same shapes, not Keras' layers
        "name": "stem convolution with padding='same' instead of ZeroPadding2D",
        "cell": "build_resnet50",
        "find": '    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(inputs)\n'
        '    x = keras.layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)',
        "replace": '    x = keras.layers.Conv2D(64, 7, strides=2, padding="same", name="conv1_conv")(inputs)',
        "loses": _RESNET,
    },
    {  # a 2x2 max pool (VGG's habit) instead of 3x3 with stride 2
        "name": "2x2 max pool",
        "cell": "build_resnet50",
        "find": 'keras.layers.MaxPooling2D(3, strides=2, name="pool1_pool")',
        "replace": 'keras.layers.MaxPooling2D(2, strides=2, name="pool1_pool")',
        "loses": _RESNET,
    },
    {  # Flatten instead of global average pooling: 100 million weights in the last layer
        "name": "Flatten instead of global average pooling",
        "cell": "build_resnet50",
        "find": 'keras.layers.GlobalAveragePooling2D(name="avg_pool")',
        "replace": 'keras.layers.Flatten(name="avg_pool")',
        "loses": _RESNET,
    },
    {  # the head always built: include_top ignored
        "name": "include_top ignored",
        "cell": "build_resnet50",
        "find": "    if include_top:\n",
        "replace": "    if True:\n",
        "loses": _RESNET,
    },
    {  # a softmax-less head (logits)
        "name": "predictions without softmax",
        "cell": "build_resnet50",
        "find": 'activation="softmax", name="predictions"',
        "replace": 'name="predictions"',
        "loses": _RESNET,
    },
    {  # the number of classes fixed at 1000
        "name": "num_classes ignored",
        "cell": "build_resnet50",
        "find": "keras.layers.Dense(num_classes,",
        "replace": "keras.layers.Dense(1000,",
        "loses": _RESNET,
    },
    {  # the student's own blocks called by name: the network is right, but the grading cell's blocks are ignored
        "name": "identity_fn and conv_fn ignored",
        "cell": "build_resnet50",
        "find": 'x = conv_fn(x, filters, strides=strides, name=f"conv{stage}_block1")',
        "replace": 'x = conv_block(x, filters, strides=strides, name=f"conv{stage}_block1")',
        "loses": _RESNET,
    },
    {  # stage 5 keeps the 4th stage's filters
        "name": "conv5 with 256 filters",
        "cell": "build_resnet50",
        "find": "(5, 512, 3, 2)",
        "replace": "(5, 256, 3, 2)",
        "loses": _RESNET,
    },
    {  # identity blocks at the start of each stage too (no conv_fn): shapes break at conv2
        "name": "every block an identity block",
        "cell": "build_resnet50",
        "find": 'x = conv_fn(x, filters, strides=strides, name=f"conv{stage}_block1")',
        "replace": 'x = identity_fn(x, filters, name=f"conv{stage}_block1")',
        "loses": _RESNET,
    },
]


# From the blind student reviews' survivors
_PART_S = [
    {  # student 1: dropout switched on for good, so predictions are random at inference
        "name": "dropout forced on at inference (training=True)",
        "cell": "build_alexnet",
        "find": 'features = layers.Dropout(0.5, name="drop7")(features)',
        "replace": 'features = layers.Dropout(0.5, name="drop7")(features, training=True)',
        "loses": {"test_build_alexnet"},
    },
    {  # student 1: the comparison with 0 comes before the type check: a string raises TypeError
        "name": "multiplications compared before the type check",
        "cell": "conv_multiplications",
        "find": "if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:",
        "replace": "if value < 1 or isinstance(value, bool) or not isinstance(value, (int, np.integer)):",
        "loses": {"test_conv_multiplications"},
    },
    {  # student 1: NumPy int32 arguments multiplied as they come: the product wraps around past 2**31
        "name": "multiplications without int() (int32 overflow)",
        "cell": "conv_multiplications",
        "find": "return int(h) * int(w) * int(c_out) * int(k) * int(k) * int(c_in)",
        "replace": "return h * w * c_out * k * k * c_in",
        "loses": {"test_conv_multiplications"},
    },
    {  # student 2: whole floats (8.0) accepted as sizes
        "name": "separable accepts whole floats",
        "cell": "separable_multiplications",
        "find": "if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:",
        "replace": "if isinstance(value, bool) or not float(value).is_integer() or value < 1:",
        "loses": {"test_separable_multiplications"},
    },
    {  # student 2: conv_block's default stride changed to 1
        "name": "conv_block with the default strides=1",
        "cell": "resnet_blocks",
        "find": "def conv_block(x, filters, kernel_size=3, strides=2, name=None):",
        "replace": "def conv_block(x, filters, kernel_size=3, strides=1, name=None):",
        "loses": {"test_resnet_blocks"},
    },
    {  # student 2: PyTorch's momentum=0.1 translated as Keras momentum=0.9
        "name": "batch norm momentum 0.9 in the identity block",
        "cell": "resnet_blocks",
        "find": 'y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_1_bn")(y)\n    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)\n    y = keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(y)\n    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_2_bn")(y)\n    y = keras.layers.Activation("relu", name=f"{name}_2_relu")(y)\n    y = keras.layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(y)\n    y = keras.layers.BatchNormalization(epsilon=eps, name=f"{name}_3_bn")(y)\n    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])\n    return keras.layers.Activation("relu", name=f"{name}_out")(y)\n    ### END SOLUTION\n\n\ndef conv_block',
        "replace": 'y = keras.layers.BatchNormalization(epsilon=eps, momentum=0.9, name=f"{name}_1_bn")(y)\n    y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)\n    y = keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(y)\n    y = keras.layers.BatchNormalization(epsilon=eps, momentum=0.9, name=f"{name}_2_bn")(y)\n    y = keras.layers.Activation("relu", name=f"{name}_2_relu")(y)\n    y = keras.layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(y)\n    y = keras.layers.BatchNormalization(epsilon=eps, momentum=0.9, name=f"{name}_3_bn")(y)\n    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])\n    return keras.layers.Activation("relu", name=f"{name}_out")(y)\n    ### END SOLUTION\n\n\ndef conv_block',
        "loses": {"test_resnet_blocks"},
    },
    {  # student 2: the stem's batch norm keeps Keras' default epsilon
        "name": "stem batch norm with the default epsilon",
        "cell": "build_resnet50",
        "find": 'keras.layers.BatchNormalization(epsilon=eps, name="conv1_bn")',
        "replace": 'keras.layers.BatchNormalization(name="conv1_bn")',
        "loses": {"test_build_resnet50"},
    },
    {  # student 2: reduction read as "divide by 1/reduction"
        "name": "transition filters = channels // int(1 / reduction)",
        "cell": "densenet_blocks",
        "find": "filters = int(x.shape[-1] * reduction)",
        "replace": "filters = int(x.shape[-1]) // int(1 / reduction)",
        "loses": {"test_densenet_blocks_transition"},
    },
]


ALL_CASES = _PART_A + _PART_B + _PART_C + _PART_D + _PART_S

# make test judges CASES: ALL_CASES without these heavier siblings (each builds full-size
# models and a case it keeps catches the same slip). All of ALL_CASES lost exactly their
# points when they were written (2026-12-01); judge them with autograde.cases.judge.
_HEAVY = {
    "2x2 max pool",
    "BatchNormalization with the default epsilon",
    "Flatten instead of global average pooling",
    "VGG convolutions without ReLU",
    "VGG without Flatten",
    "conv2 without padding",
    "conv3 with 256 filters",
    "conv5 with 256 filters",
    "convolutions without bias",
    "dense_block without the argument check",
    "dropout rate 0.2",
    "every block an identity block",
    "fc6 without ReLU",
    "growth rate fixed at 32",
    "input_shape ignored",
    "kernel_size ignored",
    "max pool without padding",
    "no dropout after fc7",
    "pools with stride 3 (the default)",
    "predictions without softmax",
    "reduction rounded to the nearest integer",
    "transition pooling with stride 1",
    "transition without the reduction check",
}
CASES = [case for case in ALL_CASES if case["name"] not in _HEAVY]

"""Plausible wrong answers for notebook 05-training-cnns (format: see tests/wrong_answers/__init__.py)."""

# Part A of the notebook
_PART_A = [
    # --- Exercise 1: conv2d_backward
    {  # dout and x swapped: "the gradient is dout correlated with x"
        "name": "dw = correlate(dout, x)",
        "cell": "conv2d_backward",
        "find": "dw = correlate2d_valid(x, dout)",
        "replace": "dw = correlate2d_valid(dout, x)",
        "loses": {"test_conv2d_backward"},
    },
    {  # the full convolution without the 180-degree turn: right only for symmetric kernels
        "name": "dx without turning the kernel",
        "cell": "conv2d_backward",
        "find": "dx = correlate2d_valid(padded, np.rot90(w, 2))",
        "replace": "dx = correlate2d_valid(padded, w)",
        "loses": {"test_conv2d_backward"},
    },
    {  # np.rot90 turns by 90 degrees once unless told k=2
        "name": "kernel turned by 90 degrees only",
        "cell": "conv2d_backward",
        "find": "np.rot90(w, 2)",
        "replace": "np.rot90(w)",
        "loses": {"test_conv2d_backward"},
    },
    {  # a flip of the rows only (up-down) instead of both axes
        "name": "kernel flipped up-down only",
        "cell": "conv2d_backward",
        "find": "np.rot90(w, 2)",
        "replace": "w[::-1]",
        "loses": {"test_conv2d_backward"},
    },
    {  # "same" padding k // 2 instead of k - 1: right size only for some kernels
        "name": "dx with k // 2 padding",
        "cell": "conv2d_backward",
        "find": "np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))",
        "replace": "np.pad(dout, ((kh // 2, kh // 2), (kw // 2, kw // 2)))",
        "loses": {"test_conv2d_backward"},
    },
    {  # rows padded by kw - 1 and columns by kh - 1: right for square kernels only
        "name": "dx padding with the axes swapped",
        "cell": "conv2d_backward",
        "find": "np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))",
        "replace": "np.pad(dout, ((kw - 1, kw - 1), (kh - 1, kh - 1)))",
        "loses": {"test_conv2d_backward"},
    },
    {  # padding on one side only (the windows that start before the pixel are missed)
        "name": "dx padded on one side only",
        "cell": "conv2d_backward",
        "find": "np.pad(dout, ((kh - 1, kh - 1), (kw - 1, kw - 1)))",
        "replace": "np.pad(dout, ((kh - 1, 0), (kw - 1, 0)))",
        "loses": {"test_conv2d_backward"},
    },
    {  # no shape check: a wrong dout gives wrong-shaped gradients silently
        "name": "no check of dout's shape",
        "cell": "conv2d_backward",
        "find": "    if dout.shape != expected_shape:\n",
        "replace": "    if False:\n",
        "loses": {"test_conv2d_backward"},
    },
    # --- Exercise 2: activations
    {  # relu_grad(0) = 1: the right-hand slope at 0, not TensorFlow's convention
        "name": "relu_grad(0) = 1",
        "cell": "activations",
        "find": "return (np.asarray(z, dtype=float) > 0).astype(float)",
        "replace": "return (np.asarray(z, dtype=float) >= 0).astype(float)",
        "loses": {"test_activations"},
    },
    {  # the square forgotten
        "name": "tanh_grad = 1 - tanh(z)",
        "cell": "activations",
        "find": "return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2",
        "replace": "return 1.0 - np.tanh(np.asarray(z, dtype=float))",
        "loses": {"test_activations"},
    },
    {  # the formula in z instead of in sigmoid(z)
        "name": "sigmoid_grad = z * (1 - z)",
        "cell": "activations",
        "find": "return s * (1.0 - s)",
        "replace": "z = np.asarray(z, dtype=float)\n    return z * (1.0 - z)",
        "loses": {"test_activations"},
    },
    {  # the two slopes swapped
        "name": "leaky_relu_grad: alpha on the positive side",
        "cell": "activations",
        "find": "return np.where(z > 0, 1.0, alpha)",
        "replace": "return np.where(z > 0, alpha, 1.0)",
        "loses": {"test_activations"},
    },
    {  # e^z / (1 + e^z): inf / inf = nan for z = 1000
        "name": "sigmoid as exp(z) / (1 + exp(z))",
        "cell": "activations",
        "find": "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        "replace": "return np.exp(z) / (1.0 + np.exp(z))",
        "loses": {"test_activations"},
    },
    {  # alpha hard-coded: right only for the default
        "name": "leaky_relu ignores its alpha",
        "cell": "activations",
        "find": "return np.where(z > 0, z, alpha * z)",
        "replace": "return np.where(z > 0, z, 0.01 * z)",
        "loses": {"test_activations"},
    },
    {  # leaky_relu_grad(0) = 1 (z >= 0)
        "name": "leaky_relu_grad(0) = 1",
        "cell": "activations",
        "find": "return np.where(z > 0, 1.0, alpha)",
        "replace": "return np.where(z >= 0, 1.0, alpha)",
        "loses": {"test_activations"},
    },
]


# Part B of the notebook
_PART_B = [
    # ---- Exercise 3, penalties
    {  # the textbook convention (lambda/2) * sum w^2 has gradient lambda * w: the factor 2 forgotten
        "name": "L2 gradient without the factor 2",
        "cell": "penalties",
        "find": "return [2 * lam * np.asarray(w, dtype=float) for w in weights]",
        "replace": "return [lam * np.asarray(w, dtype=float) for w in weights]",
        "loses": {"test_penalties"},
    },
    {  # the L2 penalty with the textbook's 1/2, which Keras does not have
        "name": "L2 penalty with a factor 1/2",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.square(w)) for w in weights))",
        "replace": "return float(lam / 2 * sum(np.sum(np.square(w)) for w in weights))",
        "loses": {"test_penalties"},
    },
    {  # d|w|/dw taken as 1: the sign is forgotten
        "name": "L1 gradient without the sign",
        "cell": "penalties",
        "find": "return [lam * np.sign(np.asarray(w, dtype=float)) for w in weights]",
        "replace": "return [lam * np.ones_like(np.asarray(w, dtype=float)) for w in weights]",
        "loses": {"test_penalties"},
    },
    {  # the sign with sign(0) = +1, as `w >= 0` gives: wrong exactly at w = 0
        "name": "L1 gradient +lam at w = 0",
        "cell": "penalties",
        "find": "return [lam * np.sign(np.asarray(w, dtype=float)) for w in weights]",
        "replace": "return [lam * np.where(np.asarray(w, dtype=float) >= 0, 1.0, -1.0) for w in weights]",
        "loses": {"test_penalties"},
    },
    {  # a mean over each array instead of the sum (as a loss averages over a batch)
        "name": "L1 penalty: mean instead of sum",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.abs(w)) for w in weights))",
        "replace": "return float(lam * sum(np.mean(np.abs(w)) for w in weights))",
        "loses": {"test_penalties"},
    },
    {  # the L2 norm instead of its square
        "name": "L2 penalty: the norm, not the squared norm",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.square(w)) for w in weights))",
        "replace": "return float(lam * np.sqrt(sum(np.sum(np.square(w)) for w in weights)))",
        "loses": {"test_penalties"},
    },
    {  # only the first array of the list is penalised
        "name": "L1 penalty of the first array only",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.abs(w)) for w in weights))",
        "replace": "return float(lam * np.sum(np.abs(weights[0])))",
        "loses": {"test_penalties"},
    },
    # ---- Exercise 4, dropout
    {  # the mask without the 1 / (1 - rate): the expected value shrinks
        "name": "dropout without rescaling",
        "cell": "dropout",
        "find": "return np.where(keep, x / (1 - rate), 0.0)",
        "replace": "return np.where(keep, x, 0.0)",
        "loses": {"test_dropout"},
    },
    {  # keeps where u < rate: keeps the fraction rate instead of 1 - rate
        "name": "dropout mask < rate",
        "cell": "dropout",
        "find": "keep = rng.random(x.shape) >= rate",
        "replace": "keep = rng.random(x.shape) < rate",
        "loses": {"test_dropout"},
    },
    {  # the training flag ignored: still dropping at inference
        "name": "dropout applied at inference too",
        "cell": "dropout",
        "find": "    if not training:\n        return x\n",
        "replace": "",
        "loses": {"test_dropout"},
    },
    {  # the original (non-inverted) dropout: no scaling in training, x * (1 - rate) at inference
        "name": "scaling at inference instead of training",
        "cell": "dropout",
        "find": "    if not training:\n        return x\n    keep = rng.random(x.shape) >= rate\n"
        "    return np.where(keep, x / (1 - rate), 0.0)",
        "replace": "    if not training:\n        return x * (1 - rate)\n    keep = rng.random(x.shape) >= rate\n"
        "    return np.where(keep, x, 0.0)",
        "loses": {"test_dropout"},
    },
    {  # scaled by (1 - rate) instead of divided by it
        "name": "dropout multiplies by 1 - rate",
        "cell": "dropout",
        "find": "return np.where(keep, x / (1 - rate), 0.0)",
        "replace": "return np.where(keep, x * (1 - rate), 0.0)",
        "loses": {"test_dropout"},
    },
    {  # edits the caller's array in place (right values, but x is destroyed)
        "name": "dropout in place",
        "cell": "dropout",
        "find": "    keep = rng.random(x.shape) >= rate\n    return np.where(keep, x / (1 - rate), 0.0)",
        "replace": "    keep = rng.random(x.shape) >= rate\n    x[~keep] = 0.0\n    x /= 1 - rate\n    return x",
        "loses": {"test_dropout"},
    },
    {  # a different random draw: a Bernoulli mask from rng.binomial (right statistics, other mask)
        "name": "dropout mask from rng.binomial",
        "cell": "dropout",
        "find": "keep = rng.random(x.shape) >= rate",
        "replace": "keep = rng.binomial(1, 1 - rate, size=x.shape).astype(bool)",
        "loses": {"test_dropout"},
    },
    {  # no check of the rate: rate = 1 divides by zero, rate = 1.5 flips signs
        "name": "dropout without the rate check",
        "cell": "dropout",
        "find": '    if not 0 <= rate < 1:\n        raise ValueError(f"rate must be in [0, 1), got {rate}")\n',
        "replace": "",
        "loses": {"test_dropout"},
    },
]


# Part C of the notebook
_BN = {"test_batchnorm_forward"}
_AUG = {"test_build_augmenter"}

_PART_C = [
    # ---------------------------------------------------------------- Exercise 5: batchnorm_forward
    {  # statistics over the batch axis only: one mean per position and channel, as for a dense layer
        "name": "batch norm over axis 0 only",
        "cell": "batchnorm_forward",
        "find": "batch_mean = x.mean(axis=(0, 1, 2))\n    batch_var = x.var(axis=(0, 1, 2))",
        "replace": "batch_mean = x.mean(axis=0)\n    batch_var = x.var(axis=0)",
        "loses": _BN,
    },
    {  # one mean and variance for the whole tensor, channels included
        "name": "batch norm over all axes, channels included",
        "cell": "batchnorm_forward",
        "find": "batch_mean = x.mean(axis=(0, 1, 2))\n    batch_var = x.var(axis=(0, 1, 2))",
        "replace": "batch_mean = x.mean()\n    batch_var = x.var()",
        "loses": _BN,
    },
    {  # layer normalisation's axes, kept as (N, 1, 1, 1) so that the arithmetic still broadcasts
        "name": "layer norm axes (1, 2, 3)",
        "cell": "batchnorm_forward",
        "find": "batch_mean = x.mean(axis=(0, 1, 2))\n    batch_var = x.var(axis=(0, 1, 2))",
        "replace": "batch_mean = x.mean(axis=(1, 2, 3), keepdims=True)\n"
        "    batch_var = x.var(axis=(1, 2, 3), keepdims=True)",
        "loses": _BN,
    },
    {  # the sample variance, dividing by N*H*W - 1
        "name": "unbiased variance (ddof=1)",
        "cell": "batchnorm_forward",
        "find": "batch_var = x.var(axis=(0, 1, 2))",
        "replace": "batch_var = x.var(axis=(0, 1, 2), ddof=1)",
        "loses": _BN,
    },
    {  # eps added to the standard deviation instead of the variance
        "name": "eps outside the square root",
        "cell": "batchnorm_forward",
        "find": "np.sqrt(batch_var + eps)",
        "replace": "(np.sqrt(batch_var) + eps)",
        "loses": _BN,
    },
    {  # no eps at all
        "name": "eps forgotten",
        "cell": "batchnorm_forward",
        "find": "np.sqrt(batch_var + eps)",
        "replace": "np.sqrt(batch_var)",
        "loses": _BN,
    },
    {  # gamma and beta swapped
        "name": "gamma and beta swapped",
        "cell": "batchnorm_forward",
        "find": "y = gamma * x_hat + beta",
        "replace": "y = beta * x_hat + gamma",
        "loses": _BN,
    },
    {  # the standard deviation returned where the variance is asked for
        "name": "standard deviation returned as batch_var",
        "cell": "batchnorm_forward",
        "find": "return y, batch_mean, batch_var",
        "replace": "return y, batch_mean, np.sqrt(batch_var)",
        "loses": _BN,
    },
    {  # eps fixed at Keras' default, whatever the caller asks for
        "name": "eps argument ignored",
        "cell": "batchnorm_forward",
        "find": "np.sqrt(batch_var + eps)",
        "replace": "np.sqrt(batch_var + 1e-3)",
        "loses": _BN,
    },
    # ---------------------------------------------------------------- Exercise 6: build_augmenter
    {  # degrees converted to radians: the factor is a fraction of a turn, so this rotates by up to 251 degrees
        "name": "rotation factor in radians",
        "cell": "build_augmenter",
        "find": "RandomRotation(40 / 360,",
        "replace": "RandomRotation(np.deg2rad(40),",
        "loses": _AUG,
    },
    {  # rotation_range read as a fraction of a half turn
        "name": "rotation factor 40 / 180",
        "cell": "build_augmenter",
        "find": "RandomRotation(40 / 360,",
        "replace": "RandomRotation(40 / 180,",
        "loses": _AUG,
    },
    {  # rescale forgotten
        "name": "no Rescaling layer",
        "cell": "build_augmenter",
        "find": "        keras.layers.Rescaling(1 / 255),\n",
        "replace": "",
        "loses": _AUG,
    },
    {  # RandomFlip's default mode also flips upside down
        "name": "RandomFlip with its default mode",
        "cell": "build_augmenter",
        "find": 'keras.layers.RandomFlip("horizontal", seed=seeds[4])',
        "replace": "keras.layers.RandomFlip(seed=seeds[4])",
        "loses": _AUG,
    },
    {  # vertical flips instead of mirror images
        "name": "vertical flip",
        "cell": "build_augmenter",
        "find": 'RandomFlip("horizontal",',
        "replace": 'RandomFlip("vertical",',
        "loses": _AUG,
    },
    {  # the legacy shear_range taken literally, in degrees: a slope of 0.0035
        "name": "shear as the legacy 0.2 degrees",
        "cell": "build_augmenter",
        "find": "RandomShear(x_factor=0.2,",
        "replace": "RandomShear(x_factor=float(np.sin(np.deg2rad(0.2))),",
        "loses": _AUG,
    },
    {  # vertical shear instead of horizontal
        "name": "shear along y",
        "cell": "build_augmenter",
        "find": "RandomShear(x_factor=0.2,",
        "replace": "RandomShear(y_factor=0.2,",
        "loses": _AUG,
    },
    {  # one zoom for both axes: keeps the aspect ratio, unlike zoom_range
        "name": "RandomZoom without width_factor",
        "cell": "build_augmenter",
        "find": "RandomZoom(height_factor=0.2, width_factor=0.2,",
        "replace": "RandomZoom(height_factor=0.2,",
        "loses": _AUG,
    },
    {  # the layers' default fill mode on the rotation
        "name": "rotation with the default fill_mode",
        "cell": "build_augmenter",
        "find": 'RandomRotation(40 / 360, fill_mode="nearest",',
        "replace": "RandomRotation(40 / 360,",
        "loses": _AUG,
    },
    {  # zoom_range's bounds 0.8 and 1.2 passed as factors
        "name": "zoom factors as the legacy bounds",
        "cell": "build_augmenter",
        "find": "RandomZoom(height_factor=0.2, width_factor=0.2,",
        "replace": "RandomZoom(height_factor=(-0.8, 0.2), width_factor=(-0.8, 0.2),",
        "loses": _AUG,
    },
    {  # one seed for every layer: the layers draw the same random numbers
        "name": "the same seed for every layer",
        "cell": "build_augmenter",
        "find": "[seed + i for i in range(5)]",
        "replace": "[seed] * 5",
        "loses": _AUG,
    },
    {  # the seed argument ignored: not reproducible
        "name": "seed ignored",
        "cell": "build_augmenter",
        "find": "seeds = [None] * 5 if seed is None else [seed + i for i in range(5)]",
        "replace": "seeds = [None] * 5",
        "loses": _AUG,
    },
]


# Part D of the notebook
SGD = {"test_optimisers_sgd"}
ADAPTIVE = {"test_optimisers_adaptive"}

_PART_D = [
    {  # a step up the gradient
        "name": "SGD step with + instead of -",
        "cell": "optimisers",
        "find": "return np.asarray(param, dtype=float) - lr * np.asarray(grad, dtype=float), None",
        "replace": "return np.asarray(param, dtype=float) + lr * np.asarray(grad, dtype=float), None",
        "loses": SGD,
    },
    {  # right numbers, but the caller's array is changed too
        "name": "SGD updates param in place",
        "cell": "optimisers",
        "find": "return np.asarray(param, dtype=float) - lr * np.asarray(grad, dtype=float), None",
        "replace": "param -= lr * grad\n    return param, None",
        "loses": SGD,
    },
    {  # velocity accumulated with the wrong sign, then added: the parameter climbs
        "name": "momentum velocity with the sign flipped",
        "cell": "optimisers",
        "find": "velocity = momentum * velocity - lr * np.asarray(grad, dtype=float)",
        "replace": "velocity = momentum * velocity + lr * np.asarray(grad, dtype=float)",
        "loses": SGD,
    },
    {  # the PyTorch / textbook form: equal to Keras' only while lr is constant
        "name": "momentum with lr applied after (running sum of gradients)",
        "cell": "optimisers",
        "find": (
            "    velocity = momentum * velocity - lr * np.asarray(grad, dtype=float)\n"
            "    return np.asarray(param, dtype=float) + velocity, velocity"
        ),
        "replace": (
            "    velocity = momentum * velocity + np.asarray(grad, dtype=float)\n"
            "    return np.asarray(param, dtype=float) - lr * velocity, velocity"
        ),
        "loses": SGD,
    },
    {  # velocity started at the first step instead of at zero: the first step is (1 + momentum) * lr * g
        "name": "momentum velocity initialised to the first step",
        "cell": "optimisers",
        "find": "velocity = np.zeros(np.shape(param)) if state is None else state",
        "replace": "velocity = -lr * np.asarray(grad, dtype=float) if state is None else state",
        "loses": SGD,
    },
    {  # the velocity array the caller passed in is overwritten
        "name": "momentum updates the state in place",
        "cell": "optimisers",
        "find": ("    velocity = momentum * velocity - lr * np.asarray(grad, dtype=float)\n"),
        "replace": (
            "    if state is not None:\n"
            "        velocity *= momentum\n"
            "        velocity -= lr * np.asarray(grad, dtype=float)\n"
            "    else:\n"
            "        velocity = -lr * np.asarray(grad, dtype=float)\n"
        ),
        "loses": SGD,
    },
    {  # the paper's accumulator start, not Keras' initial_accumulator_value
        "name": "Adagrad accumulator starting at 0",
        "cell": "optimisers",
        "find": "np.full(np.shape(param), float(initial_accumulator))",
        "replace": "np.zeros(np.shape(param))",
        "loses": ADAPTIVE,
    },
    {  # Duchi et al.'s delta outside the root instead of Keras' epsilon inside
        "name": "Adagrad with eps outside the square root",
        "cell": "optimisers",
        "find": "lr * grad / np.sqrt(accumulator + eps)",
        "replace": "lr * grad / (np.sqrt(accumulator) + eps)",
        "loses": ADAPTIVE,
    },
    {  # divides by the sum of squares itself
        "name": "Adagrad without the square root",
        "cell": "optimisers",
        "find": "lr * grad / np.sqrt(accumulator + eps)",
        "replace": "lr * grad / (accumulator + eps)",
        "loses": ADAPTIVE,
    },
    {  # accumulates |g| instead of g**2
        "name": "Adagrad accumulating |grad| (squared gradient forgotten)",
        "cell": "optimisers",
        "find": "accumulator = accumulator + grad ** 2",
        "replace": "accumulator = accumulator + np.abs(grad)",
        "loses": ADAPTIVE,
    },
    {  # the running sum changed in the caller's array
        "name": "Adagrad updates the accumulator in place",
        "cell": "optimisers",
        "find": "accumulator = accumulator + grad ** 2",
        "replace": "accumulator += grad ** 2",
        "loses": ADAPTIVE,
    },
    {  # no bias correction: tiny first steps
        "name": "Adam without bias correction",
        "cell": "optimisers",
        "find": "alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)",
        "replace": "alpha = lr",
        "loses": ADAPTIVE,
    },
    {  # the bias correction computed with the count before it is incremented (t = 0 first)
        "name": "Adam bias correction with t starting at 0",
        "cell": "optimisers",
        "find": "alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)",
        "replace": "alpha = lr * np.sqrt(1 - beta_2 ** (t - 1)) / (1 - beta_1 ** (t - 1))",
        "loses": ADAPTIVE,
    },
    {  # Algorithm 1 of the paper: eps added to sqrt(v_hat), not Keras' eps hat on sqrt(v)
        "name": "Adam as Algorithm 1 (eps on sqrt(v_hat))",
        "cell": "optimisers",
        "find": (
            "    alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    return np.asarray(param, dtype=float) - alpha * m / (np.sqrt(v) + eps), "
        ),
        "replace": (
            "    m_hat, v_hat = m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)\n"
            "    return np.asarray(param, dtype=float) - lr * m_hat / (np.sqrt(v_hat) + eps), "
        ),
        "loses": ADAPTIVE,
    },
    {  # no eps at all: 0 / 0 where a gradient is zero
        "name": "Adam without eps",
        "cell": "optimisers",
        "find": "alpha * m / (np.sqrt(v) + eps)",
        "replace": "alpha * m / np.sqrt(v)",
        "loses": ADAPTIVE,
    },
    {  # the step count is never stored: every step is corrected as if it were the first
        "name": "Adam step count not kept in the state",
        "cell": "optimisers",
        "find": '{"m": m, "v": v, "t": t}',
        "replace": '{"m": m, "v": v, "t": 0}',
        "loses": ADAPTIVE,
    },
    {  # the state dict the caller passed in is changed
        "name": "Adam updates the state dict in place",
        "cell": "optimisers",
        "find": '    t = state["t"] + 1\n',
        "replace": '    state["t"] += 1\n    t = state["t"]\n',
        "loses": ADAPTIVE,
    },
]


# Part E of the notebook
LOSES = {"test_build_lenet5"}

_PART_E = [
    {  # keeps C1's maps at 32 x 32: every later shape and F6's count are off
        "name": "C1 with padding='same'",
        "cell": "build_lenet5",
        "find": 'keras.layers.Conv2D(6, 5, strides=1, padding="valid"',
        "replace": 'keras.layers.Conv2D(6, 5, strides=1, padding="same"',
        "loses": LOSES,
    },
    {  # the modern habit; same shapes and parameters, a different layer
        "name": "max pooling in S2",
        "cell": "build_lenet5",
        "find": 'maps = keras.layers.AveragePooling2D(pool_size=2, strides=2, padding="valid", name="S2")',
        "replace": 'maps = keras.layers.MaxPooling2D(pool_size=2, strides=2, padding="valid", name="S2")',
        "loses": LOSES,
    },
    {  # ReLU everywhere, as in the lecture notes' network
        "name": "relu instead of tanh",
        "cell": "build_lenet5",
        "find": 'squash = "tanh"',
        "replace": 'squash = "relu"',
        "loses": LOSES,
    },
    {  # a Dense layer on the 5x5x16 maps acts on the last axis only: (5, 5, 120), then (5, 5, 84) ...
        "name": "C5 as Dense without Flatten",
        "cell": "build_lenet5",
        "find": (
            '    maps = keras.layers.Conv2D(120, 5, strides=1, padding="valid", activation=squash, name="C5")(maps)\n'
            '    features = keras.layers.Flatten(name="flatten")(maps)\n'
        ),
        "replace": '    features = keras.layers.Dense(120, activation=squash, name="C5")(maps)\n',
        "loses": LOSES,
    },
    {  # flatten first, then a Dense C5: the same 48,120 parameters, but C5 is no convolution
        "name": "Flatten, then C5 as Dense(120)",
        "cell": "build_lenet5",
        "find": (
            '    maps = keras.layers.Conv2D(120, 5, strides=1, padding="valid", activation=squash, name="C5")(maps)\n'
            '    features = keras.layers.Flatten(name="flatten")(maps)\n'
        ),
        "replace": (
            '    features = keras.layers.Flatten(name="flatten")(maps)\n'
            '    features = keras.layers.Dense(120, activation=squash, name="C5")(features)\n'
        ),
        "loses": LOSES,
    },
    {  # C5's 120 copied into F6
        "name": "F6 with 120 units",
        "cell": "build_lenet5",
        "find": "keras.layers.Dense(84, activation=squash",
        "replace": "keras.layers.Dense(120, activation=squash",
        "loses": LOSES,
    },
    {  # overlapping 2x2 windows: 28 -> 27 instead of 14
        "name": "S2 with stride 1",
        "cell": "build_lenet5",
        "find": 'AveragePooling2D(pool_size=2, strides=2, padding="valid", name="S2")',
        "replace": 'AveragePooling2D(pool_size=2, strides=1, padding="valid", name="S2")',
        "loses": LOSES,
    },
    {  # raw scores out: fine with from_logits=True, but not the layer the exercise asks for
        "name": "output without softmax",
        "cell": "build_lenet5",
        "find": 'keras.layers.Dense(classes, activation="softmax", dtype="float32", name="output")',
        "replace": 'keras.layers.Dense(classes, dtype="float32", name="output")',
        "loses": LOSES,
    },
    {  # Keras refuses a 28 x 28 input by itself, at C5, with a message that does not mention 32
        "name": "no input check (Keras' own error)",
        "cell": "build_lenet5",
        "find": "    if height < 32 or width < 32:\n",
        "replace": "    if False:\n",
        "loses": LOSES,
    },
    {  # only the height is checked: a 40 x 24 image gets through to Keras' C5 error
        "name": "input check on the height only",
        "cell": "build_lenet5",
        "find": "    if height < 32 or width < 32:\n",
        "replace": "    if height < 32:\n",
        "loses": LOSES,
    },
    {  # the same shapes on 32 x 32; on a larger input F6 sees 120 averaged values instead of all
        "name": "global average pooling instead of Flatten",
        "cell": "build_lenet5",
        "find": 'keras.layers.Flatten(name="flatten")(maps)',
        "replace": 'keras.layers.GlobalAveragePooling2D(name="flatten")(maps)',
        "loses": LOSES,
    },
    {  # MNIST is 28 x 28, so 28 looks like the natural limit: 28-31 reach Keras' C5 error
        "name": "refuses only inputs below 28",
        "cell": "build_lenet5",
        "find": "    if height < 32 or width < 32:\n",
        "replace": "    if height < 28 or width < 28:\n",
        "loses": LOSES,
    },
]


# Survivors of the blind student reviews (wrong answers the first tests accepted)
_SURVIVORS = [
    {  # clipping z "to avoid overflow" makes the tail wrong by orders of magnitude
        "name": "sigmoid with z clipped to [-20, 20]",
        "cell": "activations",
        "find": "    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))",
        "replace": "    z = np.clip(np.asarray(z, dtype=float), -20, 20)\n    e = np.exp(-np.abs(z))",
        "loses": {"test_activations"},
    },
    {  # 1 - sigmoid(|z|) for negative z: cancels to exactly 0 below about -37
        "name": "sigmoid of negative z as 1 - sigmoid(|z|)",
        "cell": "activations",
        "find": "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        "replace": "return np.where(z >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))",
        "loses": {"test_activations"},
    },
    {  # "Keras kernels are float32": the sum loses the weights' precision
        "name": "L2 penalty summed in float32",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.square(w)) for w in weights))",
        "replace": "return float(lam * sum(np.sum(np.square(np.float32(w))) for w in weights))",
        "loses": {"test_penalties"},
    },
    {  # rounded for display: a small lam gives 0.0
        "name": "L1 penalty rounded to 6 decimals",
        "cell": "penalties",
        "find": "return float(lam * sum(np.sum(np.abs(w)) for w in weights))",
        "replace": "return round(float(lam * sum(np.sum(np.abs(w)) for w in weights)), 6)",
        "loses": {"test_penalties"},
    },
    {  # x -= mean; x /= std on the caller's array
        "name": "batch norm changes x in place",
        "cell": "batchnorm_forward",
        "find": "    x_hat = (x - batch_mean) / np.sqrt(batch_var + eps)\n",
        "replace": "    x -= batch_mean\n    x /= np.sqrt(batch_var + eps)\n    x_hat = x\n",
        "loses": {"test_batchnorm_forward"},
    },
    {  # the one-pass formula: cancels when the mean is large and the spread small
        "name": "batch variance as E[x**2] - E[x]**2",
        "cell": "batchnorm_forward",
        "find": "batch_var = x.var(axis=(0, 1, 2))",
        "replace": "batch_var = (x ** 2).mean(axis=(0, 1, 2)) - batch_mean ** 2",
        "loses": {"test_batchnorm_forward"},
    },
    {  # seed 0 is falsy
        "name": "augmenter seeds tested with `if seed`",
        "cell": "build_augmenter",
        "find": "seeds = [None] * 5 if seed is None else [seed + i for i in range(5)]",
        "replace": "seeds = [seed + i for i in range(5)] if seed else [None] * 5",
        "loses": {"test_build_augmenter"},
    },
    {  # the area is large enough, one side is not
        "name": "LeNet input check on the area",
        "cell": "build_lenet5",
        "find": "if height < 32 or width < 32:",
        "replace": "if height * width < 32 * 32:",
        "loses": {"test_build_lenet5"},
    },
    {  # a tuple is not the list the exercise asks for
        "name": "L1 gradients returned as a tuple",
        "cell": "penalties",
        "find": "return [lam * np.sign(np.asarray(w, dtype=float)) for w in weights]",
        "replace": "return tuple(lam * np.sign(np.asarray(w, dtype=float)) for w in weights)",
        "loses": {"test_penalties"},
    },
    {  # an extra layer "to help": the table says nothing else
        "name": "LeNet with an extra Dropout before F6",
        "cell": "build_lenet5",
        "find": "    features = keras.layers.Dense(84,",
        "replace": "    features = keras.layers.Dropout(0.5)(features)\n    features = keras.layers.Dense(84,",
        "loses": {"test_build_lenet5"},
    },
    {  # np.zeros_like(x) keeps an integer dtype: the scaled values are truncated
        "name": "dropout output built with zeros_like of an integer x",
        "cell": "dropout",
        "find": "    x = np.asarray(x, dtype=float)\n    if not training:\n        return x\n    keep = rng.random(x.shape) >= rate\n    return np.where(keep, x / (1 - rate), 0.0)",
        "replace": "    x = np.asarray(x)\n    if not training:\n        return x\n    keep = rng.random(x.shape) >= rate\n    out = np.zeros_like(x)\n    out[keep] = x[keep] / (1 - rate)\n    return out",
        "loses": {"test_dropout"},
    },
    {  # full_like(param) of an integer param truncates 0.1 to 0
        "name": "Adagrad accumulator with np.full_like(param)",
        "cell": "optimisers",
        "find": "accumulator = np.full(np.shape(param), float(initial_accumulator)) if state is None else state",
        "replace": "accumulator = np.full_like(param, initial_accumulator) if state is None else state",
        "loses": {"test_optimisers_adaptive"},
    },
    {  # the paper's delta as the default
        "name": "Adagrad default eps 1e-8",
        "cell": "optimisers",
        "find": "initial_accumulator=0.1, eps=1e-7):",
        "replace": "initial_accumulator=0.1, eps=1e-8):",
        "loses": {"test_optimisers_adaptive"},
    },
    {  # the boolean mask itself: right values, wrong type (and a crash in later arithmetic)
        "name": "relu_grad returns the boolean mask",
        "cell": "activations",
        "find": "return (np.asarray(z, dtype=float) > 0).astype(float)",
        "replace": "return np.asarray(z, dtype=float) > 0",
        "loses": {"test_activations"},
    },
    {  # interpolation confused with fill_mode
        "name": "augmenter rotation with interpolation='nearest'",
        "cell": "build_augmenter",
        "find": 'keras.layers.RandomRotation(40 / 360, fill_mode="nearest", seed=seeds[0])',
        "replace": 'keras.layers.RandomRotation(40 / 360, fill_mode="nearest", interpolation="nearest", seed=seeds[0])',
        "loses": {"test_build_augmenter"},
    },
]


CASES = _PART_A + _PART_B + _PART_C + _PART_D + _PART_E + _SURVIVORS

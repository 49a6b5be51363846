"""cnn_course_kit.modelstats: depth, multiply-adds (against hand counts), timing, orientation fits."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnn_course_kit import modelstats
from cnn_course_kit.checks import check_close

layers = keras.layers


def _model(input_shape, *stack):
    inputs = keras.Input(input_shape)
    x = inputs
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        # 5 x 6 x 2 -> 3 x 4 x 4 outputs, each a dot product of 3 * 3 * 2 terms
        (layers.Conv2D(4, 3), (5, 6, 2), 3 * 4 * 4 * 3 * 3 * 2),
        # stride 2, "same": ceil(5/2) x ceil(6/2) = 3 x 3 outputs
        (layers.Conv2D(4, 3, strides=2, padding="same"), (5, 6, 2), 3 * 3 * 4 * 3 * 3 * 2),
        # two groups: each filter sees 2 of the 4 input channels
        (layers.Conv2D(6, 3, groups=2), (5, 6, 4), 3 * 4 * 6 * 3 * 3 * 2),
        # a non-square kernel
        (layers.Conv2D(3, (1, 5)), (4, 7, 2), 4 * 3 * 3 * 1 * 5 * 2),
        # depthwise: one 3 x 3 dot product per channel and multiplier per output position
        (layers.DepthwiseConv2D(3, depth_multiplier=2), (5, 6, 3), 3 * 4 * 3 * 2 * 3 * 3),
        # separable with stride 2 on 7 x 7 x 3: 3 x 3 outputs; depthwise 9*3*9 + pointwise 9*3*5
        (layers.SeparableConv2D(5, 3, strides=2), (7, 7, 3), 9 * 3 * 9 + 9 * 3 * 5),
        (layers.Dense(7), (10,), 70),
        (layers.Dense(7), (4, 10), 4 * 70),  # a dense layer on a sequence: once per position
    ],
)
def test_multiply_adds_match_hand_counts(layer, input_shape, expected):
    model = _model(input_shape, layer)
    assert modelstats.count_multiply_adds(model) == expected
    assert modelstats.count_multiply_adds(model, per_layer=True) == {layer.name: expected}


def test_stride_one_convolution_costs_its_weights_per_output_position():
    # An independent formulation: every weight (no bias) is used once per output position.
    conv = layers.Conv2D(8, 3, padding="same", use_bias=False)
    model = _model((9, 11, 5), conv)
    assert modelstats.count_multiply_adds(model) == conv.count_params() * 9 * 11


def test_unweighted_layers_cost_nothing_and_shared_layers_count_per_call():
    shared = layers.Dense(3, name="shared")
    a, b = keras.Input((4,)), keras.Input((4,))
    out = layers.Add()([shared(a), shared(b)])
    model = keras.Model([a, b], layers.Activation("relu")(out))
    assert modelstats.count_multiply_adds(model, per_layer=True) == {"shared": 2 * 12}
    pooled = _model((8, 8, 3), layers.MaxPooling2D(), layers.BatchNormalization(), layers.Flatten())
    assert modelstats.count_multiply_adds(pooled) == 0


def test_nested_models_are_counted_inside():
    inner = _model((6, 6, 2), layers.Conv2D(3, 3))  # 4*4*3*18 = 864
    outer = _model((6, 6, 2), inner, layers.Flatten(), layers.Dense(2))  # + 48*2
    assert modelstats.count_multiply_adds(outer) == 864 + 96
    assert modelstats.weighted_depth(outer) == 2


def test_unknown_sizes_are_refused_with_a_hint():
    model = _model((None, None, 3), layers.Conv2D(4, 3))
    with pytest.raises(ValueError, match="fixed input shape"):
        modelstats.count_multiply_adds(model)


def test_depth_is_the_longest_weighted_path_not_the_layer_count():
    inputs = keras.Input((8, 8, 4))
    main = inputs
    for i in range(3):
        main = layers.Conv2D(4, 1, name=f"main{i}")(main)
    shortcut = layers.Conv2D(4, 1, name="projection")(inputs)
    x = layers.ReLU()(layers.Add()([main, shortcut]))
    x = layers.Dense(2)(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, x)
    assert modelstats.weighted_depth(model) == 4  # 3 convolutions + the dense layer
    rows = modelstats.compare_models({"tiny": lambda: model}, repeats=1, warmup=0)
    assert rows[0]["depth"] == 4 and rows[0]["weighted_layers"] == 5
    assert rows[0]["keras_layers"] == len(model.layers)


def test_compare_models_rows_and_table():
    rows = modelstats.compare_models(
        {
            "a": lambda: _model((6, 5, 3), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)),
            "b": lambda: _model((4,), layers.Dense(2)),
        },
        repeats=2,
        warmup=1,
    )
    assert [r["name"] for r in rows] == ["a", "b"]
    a = rows[0]
    assert a["input"] == "6x5" and a["depth"] == 2
    assert a["macs"] == 4 * 3 * 2 * 27 + 24 * 3 and a["params"] == (27 + 1) * 2 + (24 + 1) * 3
    assert a["seconds"] > 0
    table = modelstats.format_table(rows)
    lines = table.splitlines()
    assert len(lines) == 4 and lines[0].split()[0] == "model" and set(lines[1]) <= {"-", " "}
    built = modelstats.compare_models({"c": _model((4,), layers.Dense(2))}, repeats=1, warmup=0)
    assert built[0]["macs"] == 8  # a built model is measured as it is
    with pytest.raises(ValueError, match="function"):
        modelstats.compare_models({"x": 3})
    with pytest.raises(ValueError):
        modelstats.compare_models({})
    with pytest.raises(ValueError):
        modelstats.format_table([])


def test_time_inference_rejects_bad_arguments():
    model = _model((4,), layers.Dense(2))
    assert modelstats.time_inference(model, repeats=1, warmup=0) > 0
    with pytest.raises(ValueError):
        modelstats.time_inference(model, repeats=0)


def test_orientation_fit_finds_ramps_and_their_direction():
    sobel_x = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    r2, angle = modelstats.orientation_fit(sobel_x)
    check_close(r2, 8 / 9)  # the plane's rows are all (-4/3, 0, 4/3): 1 - (8/3) / 24 left over
    check_close(angle, 0.0, atol=1e-9)  # rises to the right
    r2, angle = modelstats.orientation_fit(sobel_x.T)  # rises downwards: -90 degrees
    check_close(r2, 8 / 9)
    check_close(angle, 270.0, atol=1e-9)
    check_close(modelstats.orientation_fit(np.array([[-1.0, 0, 1]] * 3))[0], 1.0)  # Prewitt
    rows, cols = np.mgrid[0:5, 0:5]
    ramp = 0.3 * cols - 0.3 * rows + 2.0  # rises right and up: 45 degrees, a perfect plane
    r2, angle = modelstats.orientation_fit(ramp)
    check_close(r2, 1.0)
    check_close(angle, 45.0)
    spot = -np.ones((3, 3))
    spot[1, 1] = 8.0  # centre-surround: no direction at all
    assert modelstats.orientation_fit(spot)[0] < 1e-12
    assert modelstats.orientation_fit(np.zeros((3, 3))) == (0.0, 0.0)


def test_orientation_fit_on_random_kernels_is_about_a_quarter():
    # A plane has 2 degrees of freedom of a zero-mean 3x3 kernel's 8: R^2 ~ Beta(1, 3), mean 1/4.
    rng = np.random.default_rng(0)
    r2 = [modelstats.orientation_fit(rng.normal(size=(3, 3)))[0] for _ in range(2000)]
    check_close(np.mean(r2), 0.25, atol=0.02)
    check_close(np.mean(np.array(r2) > 0.8), 0.2**3, atol=0.01)


def test_orientation_fit_rejects_bad_shapes():
    for bad in (np.ones(3), np.ones((1, 3)), np.ones((3, 3, 3))):
        with pytest.raises(ValueError, match="2-D"):
            modelstats.orientation_fit(bad)

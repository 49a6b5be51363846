"""Tests for cnn_course_kit.devices: device listing, configure(), the strategy choice, real strategies.

GPU and TPU branches are exercised with fakes (monkeypatched ``tf.config`` functions and
strategy classes); the real MirroredStrategy and MultiWorkerMirroredStrategy runs happen in
fresh processes (see tests/multiworker_worker.py) because logical CPUs and collective ops
must be set up before TensorFlow initialises.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import keras
import pytest
import tensorflow as tf

from cnn_course_kit import devices
from tests import multiworker_worker as worker

H100 = {"compute_capability": (9, 0), "device_name": "NVIDIA H100 80GB HBM3"}
T4 = {"compute_capability": (7, 5), "device_name": "Tesla T4"}
K80 = {"compute_capability": (3, 7), "device_name": "Tesla K80"}


@pytest.fixture(autouse=True)
def _clean_state(monkeypatch):
    """Each test starts with no cached strategy, no TF_CONFIG and the float32 policy."""
    monkeypatch.delenv("TF_CONFIG", raising=False)
    saved = dict(devices._STRATEGIES)
    devices._STRATEGIES.clear()
    policy = keras.config.dtype_policy()
    yield
    devices._STRATEGIES.clear()
    devices._STRATEGIES.update(saved)
    keras.config.set_dtype_policy(policy)


def fake_hardware(monkeypatch, gpus=(), tpus=0, growth_error=None):
    """Pretend the machine has GPUs with the given ``get_device_details`` dicts (and TPUs).

    ``growth_error`` is raised by ``set_memory_growth`` (e.g. RuntimeError after TF init).
    Returns the dict of memory-growth settings made.
    """
    fakes = {
        "CPU": [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")],
        "GPU": [
            tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(len(gpus))
        ],
        "TPU": [tf.config.PhysicalDevice(f"/physical_device:TPU:{i}", "TPU") for i in range(tpus)],
    }
    details = {dev.name: info for dev, info in zip(fakes["GPU"], gpus, strict=True)}
    growth: dict[str, bool] = {}

    def list_physical_devices(kind=None):
        return [d for k, ds in fakes.items() if kind in (None, k) for d in ds]

    def set_memory_growth(dev, enable):
        if growth_error is not None:
            raise growth_error
        growth[dev.name] = enable

    monkeypatch.setattr(tf.config, "list_physical_devices", list_physical_devices)
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", set_memory_growth)
    monkeypatch.setattr(
        tf.config.experimental, "get_memory_growth", lambda dev: growth.get(dev.name, False)
    )
    monkeypatch.setattr(
        tf.config.experimental, "get_device_details", lambda dev: dict(details.get(dev.name, {}))
    )
    return growth


def fake_strategies(monkeypatch, tpu=False):
    """Replace the strategy classes (and TPU setup calls) by recorders; returns the call log."""
    calls: list[tuple] = []

    def recorder(name, replicas=1):
        def make(*args, **kwargs):
            calls.append((name, args, kwargs))
            return SimpleNamespace(kind=name, num_replicas_in_sync=replicas)

        return make

    monkeypatch.setattr(tf.distribute, "TPUStrategy", recorder("tpu", 8))
    monkeypatch.setattr(tf.distribute, "MultiWorkerMirroredStrategy", recorder("multi_worker", 2))
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", recorder("mirrored", 2))
    monkeypatch.setattr(tf.distribute, "OneDeviceStrategy", recorder("one_device"))
    monkeypatch.setattr(tf.config, "experimental_connect_to_cluster", recorder("connect"))
    monkeypatch.setattr(tf.tpu.experimental, "initialize_tpu_system", recorder("init_tpu"))
    resolver = SimpleNamespace(name="fake-tpu-resolver")
    monkeypatch.setattr(devices, "_find_tpu", lambda: resolver if tpu else None)
    return calls


def tf_config(workers: int, index: int = 0) -> str:
    cluster = {"worker": [f"127.0.0.1:{2000 + i}" for i in range(workers)]}
    return json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})


# ---- listing, configure, summary -----------------------------------------------------------


def test_list_devices_on_cpu():
    found = devices.list_devices()
    assert set(found) == {"CPU", "GPU", "TPU"}
    assert found["CPU"] and all("CPU" in name for name in found["CPU"])
    assert all(isinstance(names, list) for names in found.values())


def test_configure_is_idempotent_and_survives_initialised_tf():
    tf.constant(1.0) + 1.0  # TensorFlow is initialised from here on
    first = devices.configure()
    second = devices.configure()
    assert first == second
    assert isinstance(first, devices.DeviceConfig)
    assert "DeviceConfig(" in repr(first) and "policy=" in repr(first)
    if not devices.list_devices()["GPU"]:
        assert first.gpus == () and first.policy == "float32" and not first.mixed_precision


def test_configure_sets_memory_growth_on_every_gpu(monkeypatch):
    growth = fake_hardware(monkeypatch, gpus=[H100, H100])
    result = devices.configure()
    assert growth == {"/physical_device:GPU:0": True, "/physical_device:GPU:1": True}
    assert result.memory_growth and len(result.gpus) == 2 and not result.notes
    assert devices.configure() == result  # second call: same outcome, no error


def test_configure_after_tf_initialised_explains_instead_of_raising(monkeypatch):
    fake_hardware(
        monkeypatch,
        gpus=[T4, T4],
        growth_error=RuntimeError("Physical devices cannot be modified after being initialized"),
    )
    result = devices.configure()
    assert not result.memory_growth
    assert len(result.notes) == 1  # one note, not one per GPU
    assert "Restart the kernel" in result.notes[0]
    assert "notes=" in repr(result)


@pytest.mark.parametrize(
    ("capabilities", "expected"),
    [
        ([], False),  # CPU only
        ([(7, 0)], True),  # V100
        ([(9, 0), (8, 6)], True),
        ([(6, 1)], False),  # Pascal: float16 is slow
        ([(8, 0), (6, 1)], False),  # one slow GPU holds the whole replica group back
        ([None], False),  # capability unknown
    ],
)
def test_benefits_from_mixed_precision(capabilities, expected):
    assert devices.benefits_from_mixed_precision(capabilities) is expected


@pytest.mark.parametrize(
    ("gpus", "mode", "policy"),
    [
        ([H100], "auto", "mixed_float16"),
        ([T4, T4], "auto", "mixed_float16"),
        ([K80], "auto", "float32"),
        ([], "auto", "float32"),
        ([H100], False, "float32"),
        ([K80], True, "mixed_float16"),
        ([], True, "mixed_float16"),
        ([], "mixed_bfloat16", "mixed_bfloat16"),
    ],
)
def test_mixed_precision_decision(monkeypatch, gpus, mode, policy):
    fake_hardware(monkeypatch, gpus=gpus)
    result = devices.configure(mixed_precision=mode)
    assert result.policy == policy
    assert keras.config.dtype_policy().name == policy
    assert result.mixed_precision is policy.startswith("mixed")


def test_configure_rejects_unknown_mixed_precision_value():
    with pytest.raises(ValueError, match="mixed_precision must be"):
        devices.configure(mixed_precision=3)


def test_output_dtype_keeps_last_layer_float32():
    keras.config.set_dtype_policy("mixed_float16")
    assert devices.output_dtype() == "float32"
    hidden = keras.layers.Dense(2)
    last = keras.layers.Dense(2, dtype=devices.output_dtype())
    x = tf.ones((1, 3))
    assert hidden(x).dtype == tf.float16
    assert last(hidden(x)).dtype == tf.float32
    keras.config.set_dtype_policy("float32")
    assert devices.output_dtype() == "float32"


def test_summary_on_this_machine():
    text = devices.summary()
    assert re.fullmatch(r"(CPU|GPU|TPU) x\d+( \(.+\))?", text), text
    if not devices.list_devices()["GPU"] and not devices.list_devices()["TPU"]:
        assert text == "CPU x1"


def test_summary_with_fake_gpus(monkeypatch):
    fake_hardware(monkeypatch, gpus=[H100, H100])
    devices.configure()
    assert devices.summary() == "GPU x2 (NVIDIA H100 80GB HBM3, mixed precision on)"
    devices.configure(mixed_precision=False)
    assert devices.summary() == "GPU x2 (NVIDIA H100 80GB HBM3, mixed precision off)"


def test_summary_counts_a_remote_tpu_from_the_cached_strategy(monkeypatch):
    class TPUStrategy:  # stands in for tf.distribute.TPUStrategy (matched by class name)
        num_replicas_in_sync = 8

    fake_hardware(monkeypatch)
    devices._STRATEGIES[None] = TPUStrategy()
    assert devices.summary() == "TPU x8 (mixed precision off)"


def test_split_cpu_after_initialisation_gives_a_clear_error():
    tf.constant(1.0) + 1.0  # make sure TF has initialised its devices in this process
    with pytest.raises(RuntimeError, match="came too late.*Restart the kernel"):
        devices.split_cpu(2)
    with pytest.raises(ValueError, match="n >= 1"):
        devices.split_cpu(0)


# ---- strategy choice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tpu", "workers", "gpus", "expected"),
    [
        (True, 2, 4, "tpu"),
        (False, 2, 4, "multi_worker"),
        (False, 1, 4, "mirrored"),
        (False, 0, 2, "mirrored"),
        (False, 0, 1, "one_device"),
        (False, 0, 0, "default"),
    ],
)
def test_choose_strategy_table(tpu, workers, gpus, expected):
    assert devices.choose_strategy(tpu, workers, gpus) == expected


def test_one_gpu_gives_one_device_strategy(monkeypatch):
    fake_hardware(monkeypatch, gpus=[T4])
    calls = fake_strategies(monkeypatch)
    chosen = devices.strategy()
    assert chosen.kind == "one_device"
    assert calls == [("one_device", ("/gpu:0",), {})]


def test_two_gpus_give_mirrored_strategy(monkeypatch):
    fake_hardware(monkeypatch, gpus=[H100, H100])
    calls = fake_strategies(monkeypatch)
    assert devices.strategy().kind == "mirrored"
    assert calls == [("mirrored", (), {})]
    assert devices.global_batch_size(32) == 64


def test_tf_config_with_two_workers_gives_multi_worker(monkeypatch):
    fake_hardware(monkeypatch, gpus=[H100, H100])
    calls = fake_strategies(monkeypatch)
    monkeypatch.setenv("TF_CONFIG", tf_config(2, index=1))
    assert devices.strategy().kind == "multi_worker"
    assert [c[0] for c in calls] == ["multi_worker"]
    assert "communication_options" in calls[0][2]


def test_multi_worker_created_too_late_is_explained(monkeypatch):
    fake_hardware(monkeypatch)
    fake_strategies(monkeypatch)

    def too_late(**kwargs):
        raise RuntimeError("Collective ops must be configured at program startup")

    monkeypatch.setattr(tf.distribute, "MultiWorkerMirroredStrategy", too_late)
    monkeypatch.setenv("TF_CONFIG", tf_config(2))
    with pytest.raises(RuntimeError, match="call devices.strategy\\(\\) first"):
        devices.strategy()


def test_tf_config_with_one_worker_is_not_multi_worker(monkeypatch):
    fake_hardware(monkeypatch, gpus=[])
    fake_strategies(monkeypatch)
    monkeypatch.setenv("TF_CONFIG", tf_config(1))
    assert devices.strategy() is tf.distribute.get_strategy()


def test_bad_tf_config_is_reported(monkeypatch):
    fake_hardware(monkeypatch)
    fake_strategies(monkeypatch)
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG"):
        devices.strategy()


def test_tpu_is_preferred_and_initialised_once(monkeypatch):
    fake_hardware(monkeypatch, gpus=[H100, H100])
    calls = fake_strategies(monkeypatch, tpu=True)
    monkeypatch.setenv("TF_CONFIG", tf_config(2))
    chosen = devices.strategy()
    assert chosen.kind == "tpu"
    assert [c[0] for c in calls] == ["connect", "init_tpu", "tpu"]
    assert calls[2][1][0].name == "fake-tpu-resolver"
    assert devices.strategy() is chosen  # cached: the TPU system is not initialised again
    assert len(calls) == 3


def test_find_tpu_uses_the_resolver(monkeypatch):
    made = []

    class Resolver:
        def __init__(self, tpu=None):
            made.append(tpu)
            if tpu is None and not env_names_a_tpu:
                raise ValueError("Please provide a TPU Name to connect to.")

    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", Resolver)
    env_names_a_tpu = True  # Colab / Kaggle / TPU_NAME: the plain constructor succeeds
    fake_hardware(monkeypatch)
    assert isinstance(devices._find_tpu(), Resolver) and made == [None]
    env_names_a_tpu = False  # nothing in the environment, no local TPU chips
    assert devices._find_tpu() is None
    fake_hardware(monkeypatch, tpus=4)  # TPU VM: chips attached to this host
    made.clear()
    assert isinstance(devices._find_tpu(), Resolver) and made == [None, "local"]


def test_strategy_is_cached_per_process_and_per_devices(monkeypatch):
    fake_hardware(monkeypatch, gpus=[H100, H100])
    calls = fake_strategies(monkeypatch)
    first = devices.strategy()
    assert devices.strategy() is first
    forced = devices.strategy(devices=["/cpu:0", "/cpu:1"])
    assert forced is not first and devices.strategy(devices=("/cpu:0", "/cpu:1")) is forced
    assert calls[1] == ("mirrored", (), {"devices": ["/cpu:0", "/cpu:1"]})
    assert devices.strategy(refresh=True) is not first
    assert len(calls) == 3


def test_default_strategy_on_this_cpu():
    if devices.list_devices()["GPU"] or devices.list_devices()["TPU"]:
        pytest.skip("accelerators present")
    chosen = devices.strategy()
    assert chosen is tf.distribute.get_strategy()
    assert chosen.num_replicas_in_sync == 1
    assert devices.global_batch_size(32) == 32


def test_global_batch_size():
    assert devices.global_batch_size(16, SimpleNamespace(num_replicas_in_sync=4)) == 64
    with tf.distribute.MirroredStrategy(["/cpu:0"]).scope():  # the active scope is used
        assert devices.global_batch_size(8) == 8
    with pytest.raises(ValueError, match="positive"):
        devices.global_batch_size(0)


# ---- real distributed runs (fresh processes) -----------------------------------------------


@pytest.mark.slow
def test_real_mirrored_strategy_over_two_logical_cpus():
    result, log = worker.run_mirrored()
    assert result["strategy"] == "MirroredStrategy", log
    assert result["replicas"] == 2 and result["global_batch"] == 2 * worker.PER_REPLICA, log
    assert result["loss"][-1] < result["loss"][0], log


@pytest.mark.slow
def test_real_two_worker_multi_worker_mirrored_strategy():
    results, log = worker.run_two_workers()
    for result in results:
        assert result["multi_worker"] and result["replicas"] == 2, log
        assert result["loss"][-1] < result["loss"][0], log
    assert results[0]["loss"] == pytest.approx(results[1]["loss"]), log  # workers in sync

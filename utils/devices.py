"""Find the accelerators, configure them once, and pick a distribution strategy.

The notebooks never hard-code a device. They call :func:`cnn_course_kit.setup` (which calls
:func:`configure` and prints :func:`summary`) and, when they train, build the model inside
``devices.strategy().scope()``::

    from cnn_course_kit import devices

    strategy = devices.strategy()          # TPU, several GPUs, one GPU or the CPU
    with strategy.scope():
        model = build_model()              # variables are created on the right devices
        model.compile(...)
    batch = devices.global_batch_size(32)  # 32 per replica, times the number of replicas

Mixed precision
    :func:`configure` turns on Keras' ``mixed_float16`` policy on GPUs that run float16 fast
    (compute capability 7.0 or newer: V100, T4, A100, H100, RTX 20xx and later). Layers
    then compute in float16 but keep float32 weights. The *last* layer of a model must
    still produce float32, otherwise the softmax and the loss lose precision::

        outputs = keras.layers.Dense(10, activation="softmax", dtype=devices.output_dtype())(x)

    ``output_dtype()`` is ``"float32"`` under both the mixed and the default policy, so the
    same model code works everywhere.

Order matters
    TensorFlow fixes its device setup the first time it runs an operation. Memory growth,
    logical CPU devices (:func:`split_cpu`) and multi-worker training (``TF_CONFIG``) must be
    set up before that; this module only inspects *physical* devices so that calling
    :func:`list_devices`, :func:`configure` or :func:`summary` early never freezes the setup.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import keras
import tensorflow as tf

KINDS = ("CPU", "GPU", "TPU")
MIXED_MIN_CAPABILITY = (7, 0)  # Volta tensor cores: the first GPUs where float16 pays off

_STRATEGIES: dict[tuple[str, ...] | None, tf.distribute.Strategy] = {}
_INITIALISED_HINT = (
    "TensorFlow has already initialised its devices (a tensor, a model or "
    "list_logical_devices() ran first), so this setting can no longer change. "
    "Restart the kernel and run cnn_course_kit.setup() in the first cell."
)


@dataclass(frozen=True)
class DeviceConfig:
    """What :func:`configure` did: the GPUs seen, memory growth, the Keras dtype policy.

    ``notes`` explains anything that could not be applied (for example when TensorFlow had
    already initialised its devices).
    """

    gpus: tuple[str, ...] = ()
    memory_growth: bool = False
    policy: str = "float32"
    notes: tuple[str, ...] = field(default=())

    @property
    def mixed_precision(self) -> bool:
        """True when a mixed policy (``mixed_float16`` or ``mixed_bfloat16``) is active."""
        return self.policy.startswith("mixed")

    def __repr__(self) -> str:
        growth = "on" if self.memory_growth else "off"
        text = f"DeviceConfig(gpus={len(self.gpus)}, memory_growth={growth}, policy={self.policy}"
        if self.notes:
            text += ", notes=" + "; ".join(self.notes)
        return text + ")"


def list_devices() -> dict[str, list[str]]:
    """Return the physical devices by kind, e.g. ``{"CPU": [...], "GPU": [], "TPU": []}``.

    Physical devices are listed without initialising TensorFlow, so this is safe to call
    before :func:`configure`, :func:`split_cpu` or a multi-worker :func:`strategy`.
    """
    return {kind: [d.name for d in tf.config.list_physical_devices(kind)] for kind in KINDS}


def _compute_capability(gpu) -> tuple[int, int] | None:
    """The CUDA compute capability of a physical GPU, or None when TF does not report one."""
    try:
        details = tf.config.experimental.get_device_details(gpu)
    except (ValueError, RuntimeError):
        return None
    capability = details.get("compute_capability")
    return tuple(capability) if capability else None


def _gpu_name(gpu) -> str:
    """The marketing name of a physical GPU (``"NVIDIA H100 80GB HBM3"``), or ``"GPU"``."""
    try:
        return tf.config.experimental.get_device_details(gpu).get("device_name") or "GPU"
    except (ValueError, RuntimeError):
        return "GPU"


def benefits_from_mixed_precision(capabilities: Sequence[tuple[int, int] | None]) -> bool:
    """True when there is at least one GPU and every GPU has compute capability >= 7.0.

    A GPU whose capability is unknown (``None``, e.g. a non-CUDA device) counts as "no".
    """
    return bool(capabilities) and all(
        cc is not None and tuple(cc) >= MIXED_MIN_CAPABILITY for cc in capabilities
    )


def _policy_for(mixed_precision, capabilities) -> str:
    """Map the ``mixed_precision`` argument of :func:`configure` to a Keras policy name."""
    if mixed_precision == "auto":
        return "mixed_float16" if benefits_from_mixed_precision(capabilities) else "float32"
    if mixed_precision is True:
        return "mixed_float16"
    if mixed_precision is False or mixed_precision is None:
        return "float32"
    if isinstance(mixed_precision, str):  # an explicit policy, e.g. "mixed_bfloat16" on TPU
        return mixed_precision
    raise ValueError(
        "mixed_precision must be 'auto', True, False or a Keras policy name such as "
        f"'mixed_bfloat16'. Received: {mixed_precision!r}"
    )


def configure(memory_growth: bool = True, mixed_precision: bool | str = "auto") -> DeviceConfig:
    """Enable GPU memory growth and choose the Keras dtype policy. Safe to call repeatedly.

    ``memory_growth=True`` lets TensorFlow allocate GPU memory as needed instead of grabbing
    all of it (so two notebooks can share a GPU). It can only be set before TensorFlow
    initialises its devices; if that already happened the setting is left as it is and the
    returned :class:`DeviceConfig` carries a note saying so (no exception).

    ``mixed_precision``: ``"auto"`` (default) turns on ``mixed_float16`` only when every GPU
    has compute capability >= 7.0, else uses ``float32``; ``True``/``False`` force
    ``mixed_float16``/``float32``; any other string is used as the policy name (for example
    ``"mixed_bfloat16"`` on a TPU). Remember to keep the last layer float32 (see
    :func:`output_dtype`).
    """
    gpus = tf.config.list_physical_devices("GPU")
    notes: list[str] = []
    growth_on = bool(gpus)
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, memory_growth)
        except RuntimeError:  # TF refuses to change devices once it has initialised them
            notes.append("memory growth unchanged: " + _INITIALISED_HINT)
        except ValueError as err:  # e.g. logical (virtual) GPUs were configured on it
            notes.append(f"memory growth not set on {gpu.name}: {err}")
        try:
            growth_on = growth_on and bool(tf.config.experimental.get_memory_growth(gpu))
        except ValueError:
            growth_on = False
    policy = _policy_for(mixed_precision, [_compute_capability(g) for g in gpus])
    if keras.config.dtype_policy().name != policy:
        keras.config.set_dtype_policy(policy)  # only affects layers created afterwards
    return DeviceConfig(
        gpus=tuple(g.name for g in gpus),
        memory_growth=growth_on,
        policy=policy,
        notes=tuple(dict.fromkeys(notes)),  # one note per distinct problem
    )


def output_dtype() -> str:
    """The dtype for a model's final layer: always full precision (``"float32"``).

    Under ``mixed_float16`` the layers compute in float16; the final ``Dense``/softmax must
    not, so model builders write ``Dense(n, activation="softmax", dtype=output_dtype())``.
    This returns the policy's variable dtype, which is ``"float32"`` for the default and the
    mixed policies.
    """
    return keras.config.dtype_policy().variable_dtype


def summary() -> str:
    """One short line for the notebook banner.

    For example ``"CPU x1"``, ``"CPU x1 (2 logical)"`` or
    ``"GPU x2 (NVIDIA H100 80GB HBM3, mixed precision on)"``.
    """
    found = {kind: tf.config.list_physical_devices(kind) for kind in KINDS}
    mixed = keras.config.dtype_policy().name.startswith("mixed")
    details: list[str] = []
    tpu_replicas = [
        s.num_replicas_in_sync
        for s in _STRATEGIES.values()
        if type(s).__name__.startswith("TPUStrategy")  # also a remote TPU (no local chips)
    ]
    if tpu_replicas and not found["TPU"]:
        found["TPU"] = [f"/device:TPU:{i}" for i in range(tpu_replicas[0])]
    if found["TPU"]:
        kind = "TPU"
    elif found["GPU"]:
        kind = "GPU"
        details.append(", ".join(dict.fromkeys(_gpu_name(g) for g in found["GPU"])))
    else:
        kind = "CPU"
        logical = tf.config.get_logical_device_configuration(found["CPU"][0]) or []
        if len(logical) > 1:
            details.append(f"{len(logical)} logical")
    if kind != "CPU" or mixed:
        details.append("mixed precision " + ("on" if mixed else "off"))
    text = f"{kind} x{len(found[kind])}"
    return text + (f" ({', '.join(details)})" if details else "")


def split_cpu(n: int) -> list[str]:
    """Split the CPU into ``n`` logical devices and return their names (``"/cpu:0"``, ...).

    This lets a laptop or CI machine exercise ``MirroredStrategy`` without GPUs:
    ``devices.strategy(devices=devices.split_cpu(2))``. It must run before TensorFlow
    initialises its devices (first thing in a fresh process or kernel); otherwise a
    ``RuntimeError`` explains what to do. Calling it again with the same ``n`` is harmless.
    """
    if int(n) < 1:
        raise ValueError(f"split_cpu needs n >= 1. Received: {n!r}")
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(int(n))]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError as err:
        current = len(tf.config.get_logical_device_configuration(cpu) or []) or 1
        raise RuntimeError(
            f"split_cpu({n}) came too late: the CPU is already set up as {current} logical "
            f"device(s). {_INITIALISED_HINT} (In a script, call split_cpu() before anything "
            "else touches TensorFlow.)"
        ) from err
    return [f"/cpu:{i}" for i in range(int(n))]


def _tf_config_workers() -> int:
    """How many tasks (chief + workers) the ``TF_CONFIG`` environment variable describes."""
    raw = os.environ.get("TF_CONFIG", "").strip()
    if not raw:
        return 0
    try:
        cluster = json.loads(raw).get("cluster", {})
    except (json.JSONDecodeError, AttributeError):
        raise ValueError(f"TF_CONFIG is not a JSON object: {raw[:200]!r}") from None
    return len(cluster.get("chief", [])) + len(cluster.get("worker", []))


def _find_tpu():
    """Return a ``TPUClusterResolver`` when a TPU is reachable, else None.

    ``TPUClusterResolver()`` succeeds where the environment names a TPU (Colab, Kaggle,
    ``TPU_NAME``); on a TPU VM with locally attached TPU chips it needs ``tpu="local"``.
    """
    resolver_cls = tf.distribute.cluster_resolver.TPUClusterResolver
    try:
        return resolver_cls()
    except (ValueError, KeyError):
        pass
    if tf.config.list_physical_devices("TPU"):
        return resolver_cls(tpu="local")
    return None


def choose_strategy(tpu_found: bool, workers: int, gpus: int) -> str:
    """The decision behind :func:`strategy`, as a name.

    Returns ``"tpu"``, ``"multi_worker"`` (``TF_CONFIG`` lists more than one task),
    ``"mirrored"`` (several GPUs), ``"one_device"`` (one GPU) or ``"default"``.
    """
    if tpu_found:
        return "tpu"
    if workers > 1:
        return "multi_worker"
    if gpus > 1:
        return "mirrored"
    if gpus == 1:
        return "one_device"
    return "default"


def _build_strategy() -> tf.distribute.Strategy:
    """Detect the hardware and create the matching strategy (uncached)."""
    resolver = _find_tpu()
    workers = _tf_config_workers() if resolver is None else 0
    gpus = len(tf.config.list_physical_devices("GPU"))
    choice = choose_strategy(resolver is not None, workers, gpus)
    if choice == "tpu":
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)  # once per process (cached)
        return tf.distribute.TPUStrategy(resolver)
    if choice == "multi_worker":
        # AUTO picks NCCL on GPUs and ring all-reduce over gRPC on CPUs. Every worker must
        # create the strategy before running any TensorFlow op (it starts a gRPC server).
        options = tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.AUTO
        )
        try:
            return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
        except RuntimeError as err:  # "Collective ops must be configured at program startup"
            raise RuntimeError(
                "TF_CONFIG asks for multi-worker training, but the strategy must be created "
                "before any other TensorFlow work: call devices.strategy() first. "
                + _INITIALISED_HINT
            ) from err
    if choice == "mirrored":
        return tf.distribute.MirroredStrategy()
    if choice == "one_device":
        return tf.distribute.OneDeviceStrategy("/gpu:0")
    return tf.distribute.get_strategy()


def strategy(devices: Sequence[str] | None = None, *, refresh: bool = False):
    """The distribution strategy for this machine, created once per process.

    In order of preference: ``TPUStrategy`` when a TPU is found, ``MultiWorkerMirroredStrategy``
    when ``TF_CONFIG`` lists more than one worker, ``MirroredStrategy`` over several GPUs,
    ``OneDeviceStrategy("/gpu:0")`` with one GPU, else TensorFlow's default strategy.

    ``devices=[...]`` forces a ``MirroredStrategy`` over exactly those devices (for example
    two logical CPUs from :func:`split_cpu`). Each choice is cached, because creating a
    strategy is slow and a second multi-worker or TPU strategy fails; ``refresh=True``
    builds a new one.
    """
    key = tuple(devices) if devices is not None else None
    if refresh or key not in _STRATEGIES:
        if key is not None:
            _STRATEGIES[key] = tf.distribute.MirroredStrategy(devices=list(key))
        else:
            _STRATEGIES[key] = _build_strategy()
    return _STRATEGIES[key]


_cached_strategy = strategy  # global_batch_size's argument shadows the name


def global_batch_size(per_replica: int, strategy=None) -> int:
    """``per_replica`` times the number of replicas that train in sync.

    Without ``strategy`` it uses the strategy whose ``scope()`` is active, otherwise
    :func:`strategy` (module-level, cached).
    """
    if int(per_replica) < 1:
        raise ValueError(f"per_replica must be a positive integer. Received: {per_replica!r}")
    if strategy is None:
        in_scope = tf.distribute.has_strategy()
        strategy = tf.distribute.get_strategy() if in_scope else _cached_strategy()
    return int(per_replica) * int(strategy.num_replicas_in_sync)

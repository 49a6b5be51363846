"""Helper process for the distributed tests: trains a tiny model and prints one JSON result.

Run by ``tests/test_devices.py`` and ``tests/test_training.py`` in a fresh interpreter,
because logical CPU devices and multi-worker collectives must be set up before TensorFlow
initialises (which pytest's own process has long done)::

    python tests/multiworker_worker.py mirrored            # MirroredStrategy over 2 logical CPUs
    python tests/multiworker_worker.py multiworker         # TF_CONFIG must be set by the caller
    python tests/multiworker_worker.py MODE RUN_DIR        # ... trained with cnn_course_kit.training.fit

The tests import :func:`run_mirrored` and :func:`run_two_workers` from here; they start
these processes with GPUs hidden and return the parsed results.
Without ``RUN_DIR`` the model is trained with a plain ``model.fit`` (under the multi-worker
strategy wrapped in ``training._multi_worker_fixes``, see utils/training.py). The last
stdout line is ``RESULT {...}`` with the strategy, replica count, per-epoch losses and,
with ``RUN_DIR``, the files written there.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from cnn_course_kit import devices  # (needs the path above)

PER_REPLICA = 8
SCRIPT = Path(__file__).resolve()


def main(mode: str, run_dir: str | None = None) -> dict:
    """Create the strategy first (before any TF op), then train a linear model on y = Xw."""
    if mode == "mirrored":
        strategy = devices.strategy(devices=devices.split_cpu(2))
    elif mode == "multiworker":
        strategy = devices.strategy()  # picks MultiWorkerMirroredStrategy from TF_CONFIG
    else:
        raise SystemExit(f"unknown mode {mode!r}")

    import keras
    import numpy as np
    import tensorflow as tf

    from cnn_course_kit import training

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype="float32")).astype("float32")
    batch = devices.global_batch_size(PER_REPLICA, strategy)
    options = tf.data.Options()
    # In-memory data cannot be sharded by file; shard by element across workers instead.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch).with_options(options)
    val = tf.data.Dataset.from_tensor_slices((x[:64], y[:64])).batch(batch).with_options(options)

    with strategy.scope():
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(1, dtype=devices.output_dtype())], name="tiny"
        )
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])

    if run_dir is None:
        with training._multi_worker_fixes(model):
            history = model.fit(train, epochs=3, steps_per_epoch=4, shuffle=False, verbose=0)
        files = []
    else:
        history = training.fit(model, train, val, epochs=3, run_dir=run_dir, verbose=2)
        # only the chief writes into run_dir; the other workers use a temporary folder
        files = sorted(p.name for p in Path(run_dir).glob("*"))
    return {
        "mode": mode,
        "strategy": type(strategy).__name__,
        "multi_worker": isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy),
        "replicas": int(strategy.num_replicas_in_sync),
        "global_batch": batch,
        "loss": [float(v) for v in history.history["loss"]],
        "files": files,
    }


if __name__ == "__main__":
    result = main(*sys.argv[1:3])
    print("RESULT " + json.dumps(result), flush=True)


# ---- launchers used by the tests (run in the pytest process) --------------------------------


def _env(tf_config: dict | None = None) -> dict:
    """The environment for a worker: GPUs hidden, quiet TF, gRPC kept off any HTTP proxy."""
    env = dict(os.environ)
    env.pop("TF_CONFIG", None)
    env.update(CUDA_VISIBLE_DEVICES="-1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    local = "127.0.0.1,localhost"
    for name in ("no_proxy", "NO_PROXY"):
        env[name] = f"{env[name]},{local}" if env.get(name) else local
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return env


def parse_result(stdout: str) -> dict | None:
    """The JSON after the last ``RESULT `` line of a worker's stdout, or None."""
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT ") :]) if lines else None


def run_mirrored(run_dir: str | None = None, timeout: float = 180) -> tuple[dict, str]:
    """Train with MirroredStrategy over 2 logical CPUs in a fresh process.

    Returns ``(result, log)``; raises AssertionError (with the process output) on failure.
    """
    args = [sys.executable, str(SCRIPT), "mirrored"] + ([str(run_dir)] if run_dir else [])
    proc = subprocess.run(
        args, env=_env(), capture_output=True, text=True, timeout=timeout, cwd=SCRIPT.parents[1]
    )
    log = f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr[-6000:]}"
    result = parse_result(proc.stdout)
    assert proc.returncode == 0 and result, f"worker failed (rc={proc.returncode})\n{log}"
    return result, log


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports free on 127.0.0.1 right now (held open together, then freed)."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def run_two_workers(
    run_dirs: tuple[str, str] | None = None, timeout: float = 240
) -> tuple[list[dict], str]:
    """Train with a 2-worker MultiWorkerMirroredStrategy: two processes on 127.0.0.1.

    Each process gets ``TF_CONFIG`` with the same cluster and its own task index. Output
    goes to files (not pipes, which could fill up and stall one worker while the other
    waits for it in a collective). Both are killed if either fails or the time runs out.
    Returns ``(results, log)``; raises AssertionError with both workers' output otherwise.
    """
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(2)]}
    with tempfile.TemporaryDirectory(prefix="mwms-") as tmp:
        procs, outs = [], []
        for index in range(2):
            tf_config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            out = open(Path(tmp) / f"w{index}.out", "w+")  # closed below
            args = [sys.executable, str(SCRIPT), "multiworker"]
            if run_dirs:
                args.append(str(run_dirs[index]))
            procs.append(
                subprocess.Popen(
                    args,
                    env=_env(tf_config),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    text=True,
                    cwd=SCRIPT.parents[1],
                )
            )
            outs.append(out)
        deadline = time.monotonic() + timeout
        try:
            while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
                if any(p.poll() not in (None, 0) for p in procs):
                    break  # one failed: the other would wait for it forever
                time.sleep(0.2)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                p.wait()
        texts = []
        for out in outs:
            out.seek(0)
            texts.append(out.read())
            out.close()
    log = "\n".join(
        f"--- worker {i} (rc={p.returncode})\n{text[-6000:]}"
        for i, (p, text) in enumerate(zip(procs, texts, strict=True))
    )
    results = [parse_result(text) for text in texts]
    ok = all(p.returncode == 0 for p in procs) and all(results)
    assert ok, f"multi-worker run failed or timed out after {timeout:.0f}s\n{log}"
    return results, log

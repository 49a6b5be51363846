"""Course-wide settings read from the environment, and the one-call notebook setup.

Every notebook starts with ``cnn_course_kit.setup()``. The settings come from environment
variables so that the same notebook runs unchanged on a laptop, in CI and on a GPU:

``COURSE_PROFILE``   ``full`` (default): real data, real epoch counts.
                     ``smoke``: tiny subsets, one or two epochs, offline stand-in data.
``COURSE_OFFLINE``   ``1`` forbids downloads; data comes from the cache or the stand-in.
``COURSE_DATA_DIR``  where downloads and the stand-in are cached
                     (default: ``$XDG_CACHE_HOME/cnn-course-kit`` or ``~/.cache/cnn-course-kit``).
``COURSE_SEED``      the seed used by :func:`seed_everything` (default 42).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROFILES = ("full", "smoke")
DEFAULT_SEED = 42
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """A snapshot of the course settings (see the module docstring)."""

    profile: str
    offline: bool
    data_dir: Path
    seed: int

    @property
    def smoke(self) -> bool:
        """True in the quick CI profile."""
        return self.profile == "smoke"

    def pick(self, full, smoke):
        """Return ``full`` or ``smoke`` for the active profile, e.g. ``epochs = cfg.pick(20, 1)``."""
        return smoke if self.smoke else full


def _profile_from_env() -> str:
    profile = os.environ.get("COURSE_PROFILE", "full").strip().lower() or "full"
    if profile not in PROFILES:
        raise ValueError(
            f"COURSE_PROFILE must be one of {PROFILES}. Received: {profile!r}. "
            "Unset it for the full course, or set COURSE_PROFILE=smoke for a quick run."
        )
    return profile


def default_data_dir() -> Path:
    """The cache folder used when ``COURSE_DATA_DIR`` is not set."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cnn-course-kit"


def writable_folder(folder: str | os.PathLike) -> Path:
    """``folder`` if this process may write in it (it is created if need be); else a folder of
    the same name in a private cache under the system's temporary folder. For a data cache
    that is read-only: a lab room's shared copy (README: offline and classroom use), or the
    grader's sandbox, which mounts the instructor's cache read-only."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK | os.X_OK):
            return folder
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"cnn-course-kit-{os.getuid()}" / folder.name
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def settings() -> Settings:
    """Read the settings from the environment now (cheap; nothing is cached)."""
    seed_text = os.environ.get("COURSE_SEED", str(DEFAULT_SEED))
    try:
        seed = int(seed_text)
    except ValueError:
        raise ValueError(f"COURSE_SEED must be an integer. Received: {seed_text!r}") from None
    data_dir = os.environ.get("COURSE_DATA_DIR")
    return Settings(
        profile=_profile_from_env(),
        offline=os.environ.get("COURSE_OFFLINE", "").strip().lower() in _TRUE,
        data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
        seed=seed,
    )


def seed_everything(seed: int | None = None, *, tensorflow: bool | None = None) -> int:
    """Seed Python's ``random``, NumPy and TensorFlow/Keras.

    ``tensorflow=None`` seeds Keras only if it is already imported (so a NumPy-only
    notebook does not pay for importing TensorFlow); ``True`` imports it. Returns the seed.
    """
    seed = settings().seed if seed is None else int(seed)
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import numpy as np

    np.random.seed(seed)
    if tensorflow is None:
        tensorflow = "keras" in sys.modules or "tensorflow" in sys.modules
    if not tensorflow:
        return seed
    try:
        import keras
    except ImportError:  # a notebook that needs no deep learning still works
        return seed
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together
    return seed


def banner(cfg: Settings | None = None, device_summary: str | None = None) -> str:
    """The one-line summary printed by :func:`setup`."""
    cfg = cfg or settings()
    network = "offline" if cfg.offline else "online"
    parts = [
        f"profile={cfg.profile}",
        f"devices: {device_summary or 'not checked'}",
        network,
        f"seed={cfg.seed}",
        f"data: {cfg.data_dir}",
    ]
    return "[course] " + " | ".join(parts)


def setup(
    seed: int | None = None, *, use_tensorflow: bool = True, verbose: bool = True
) -> Settings:
    """Prepare a notebook: seed everything, configure devices, print a banner.

    ``use_tensorflow=False`` skips TensorFlow entirely (faster start for notebooks that
    use NumPy only). Returns the :class:`Settings` so a notebook can branch on the profile.
    """
    # TensorFlow's C++ warnings (e.g. Grappler's during training) bury a notebook's own
    # output; errors still show. Set before TensorFlow is imported, here or later in the
    # notebook. The notices TensorFlow writes while it loads ignore it: the first import of
    # TensorFlow or Keras from here on runs with those filtered out of fd 2 (cnn_course_kit.quiet).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from . import quiet

    quiet.install()
    cfg = settings()
    if seed is not None:
        cfg = Settings(cfg.profile, cfg.offline, cfg.data_dir, int(seed))
    summary = "NumPy only"
    if use_tensorflow:
        from . import devices

        devices.configure()
        summary = devices.summary()
    seed_everything(cfg.seed, tensorflow=use_tensorflow)
    if verbose:
        print(banner(cfg, summary))
    return cfg

"""Datasets for the course: digits and MNIST, cats vs dogs, and the tf.data pipelines.

Three families of data live here:

Digits and MNIST
    :func:`load_digits` (scikit-learn's bundled 8x8 digits, always offline),
    :func:`split_by_class` (e.g. digits 0-4 to pre-train, 5-9 to transfer to) and
    :func:`load_mnist`, which falls back to the digits when it cannot or should not download.
    :func:`printed_digits` and :func:`printed_letters` (both built on
    :func:`printed_glyphs`, fonts from :func:`default_fonts`) draw printed characters from
    matplotlib's DejaVu fonts in the digits' 8x8 format, reproducibly from a seed: a new
    domain and a new task for transfer learning (notebook 07). :func:`digit_tasks` puts
    them together as that notebook's source task and three targets.

Cats vs dogs
    :func:`cats_vs_dogs` returns ready-to-train ``train``/``validation``/``test`` datasets.
    The real photos come from the archives in :data:`SOURCES` (downloaded once into the cache
    by :func:`prepare` or ``make data``, i.e. :func:`fetch_all`). Offline, in the smoke profile
    or when the download fails, a synthetic stand-in drawn by :func:`make_standin_pets` is
    used instead, in the same folder layout, and a banner says so loudly.

Photographs
    :func:`sample_photo`: a real photograph bundled with matplotlib, always offline.

Pipelines
    :func:`from_folder` lists ``root/<class>/*.jpg`` as a ``(path, label)`` dataset and
    :func:`image_pipeline` decodes, resizes, caches, shuffles, batches, augments and
    prefetches it. Images come out as **float32 in [0, 255]**, shape
    ``(batch, height, width, 3)``, exactly like ``keras.utils.image_dataset_from_directory``,
    so ``keras.applications.<model>.preprocess_input`` can be applied as it is.

Every problem with the real data (no network, HTTP error, size or checksum mismatch,
corrupt archive, wrong layout or counts) raises one :class:`DatasetError` whose message says
what went wrong, with which file or URL, and what to do about it. With ``COURSE_OFFLINE=1``
no network access is attempted at all. TensorFlow is imported only by the functions that
need it, so the digits helpers stay fast to import.
"""

from __future__ import annotations

from .cache import CachePaths, check_layout, fetch_all, prepare
from .cli import main
from .digits import load_digits, load_mnist, split_by_class
from .downloads import download
from .images import ScanReport, check_image, scan_images
from .pets import PetsData, cats_vs_dogs
from .photos import sample_photo
from .pipelines import (
    augmenter,
    decode_resize,
    from_folder,
    image_pipeline,
    list_images,
    paths_dataset,
)
from .printed import default_fonts, printed_digits, printed_glyphs, printed_letters
from .sources import (
    CLASS_NAMES,
    DEFAULT_TIMEOUT,
    FILTERED_URL,
    IMAGE_EXTENSIONS,
    PETIMAGES_URL,
    PETIMAGES_VALIDATION_FRACTION,
    READY_MARKER,
    SOURCES,
    STANDIN_MARKER,
    STANDIN_PER_CLASS,
    STANDIN_SEED,
    STANDIN_SIZE,
    STANDIN_VERSION,
    USER_AGENT,
    DatasetError,
    Source,
)
from .standin import make_standin_pets, standin_banner
from .transfer_tasks import DigitTask, digit_tasks
from .warp import MILD_AUGMENTATION, SEEDS_AUGMENTATION, Augmentation

__all__ = [
    # sources: constants, the registry, the error
    "CLASS_NAMES",
    "DEFAULT_TIMEOUT",
    "FILTERED_URL",
    "IMAGE_EXTENSIONS",
    "PETIMAGES_URL",
    "PETIMAGES_VALIDATION_FRACTION",
    "READY_MARKER",
    "SOURCES",
    "STANDIN_MARKER",
    "STANDIN_PER_CLASS",
    "STANDIN_SEED",
    "STANDIN_SIZE",
    "STANDIN_VERSION",
    "USER_AGENT",
    "DatasetError",
    "Source",
    # digits and MNIST
    "load_digits",
    "load_mnist",
    "split_by_class",
    # printed characters in the digits' format
    "default_fonts",
    "printed_digits",
    "printed_glyphs",
    "printed_letters",
    # notebook 07's source task and three targets
    "DigitTask",
    "digit_tasks",
    # downloading and preparing the real archives
    "download",
    "CachePaths",
    "check_layout",
    "fetch_all",
    "prepare",
    # scanning images
    "ScanReport",
    "check_image",
    "scan_images",
    # the offline stand-in
    "make_standin_pets",
    "standin_banner",
    # tf.data pipelines
    "Augmentation",
    "MILD_AUGMENTATION",
    "SEEDS_AUGMENTATION",
    "augmenter",
    "decode_resize",
    "from_folder",
    "image_pipeline",
    "list_images",
    "paths_dataset",
    # cats vs dogs, ready to train
    "PetsData",
    "cats_vs_dogs",
    # a real photograph that ships offline
    "sample_photo",
    # command line (python -m cnn_course_kit.datasets)
    "main",
]

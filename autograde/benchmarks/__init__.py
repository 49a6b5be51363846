"""``make bench``: benchmarks that print numbers, not timed tests.

Each part measures two or more ways of doing the same job side by side in one run and
prints their ratio, which holds on a noisy machine where absolute times do not::

    python -m autograde.benchmarks                 # every part (make bench)
    python -m autograde.benchmarks pipeline conv   # some parts (make bench PART="pipeline conv")

Parts: ``pipeline`` (the kit's tf.data input pipeline against the seeds' legacy
``ImageDataGenerator``), ``features`` (a head trained on cached bottleneck features against
one that passes every batch through the frozen base), ``conv`` (convolution as loops, the
vectorised reference and ``tf.nn.conv2d``), ``epochs`` (seconds per epoch of notebook 08's
cases at the real data size), ``notebooks`` (each solution notebook's time and memory) and
``grading`` (make grade's throughput and where a submission's time goes). Each part's rows go into one table on stdout and into
``autograde/bench-results/<part>.json`` (git-ignored), with the date and the machine.
Nothing is asserted here: the README's table says what was measured where.
"""

from __future__ import annotations

from .table import Row, machine

__all__ = ["Row", "machine"]

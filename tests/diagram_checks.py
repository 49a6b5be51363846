"""What the diagram tests (tests/test_diagrams_*.py) read back from a figure."""

from __future__ import annotations


def renders(fig, min_bytes: int = 2000) -> None:
    """The figure renders to a PNG of some substance."""
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > min_bytes


def axes_labelled(fig, label):
    """The one axes of ``fig`` whose label is ``label``."""
    found = [ax for ax in fig.get_axes() if ax.get_label() == label]
    assert len(found) == 1, f"one axes labelled {label!r}, found {len(found)}"
    return found[0]


def cell_numbers(ax) -> list[float]:
    """The big number of each cell, in reading order (sub-labels are smaller text)."""
    texts = [t for t in ax.texts if t.get_fontsize() > 6]
    return [
        float(t.get_text())
        for t in sorted(texts, key=lambda t: (round(t.get_position()[1]), t.get_position()[0]))
    ]


def patches_with_gid(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def texts_with_gid(fig, gid):
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == gid]

"""cnn_course_kit.diagrams.hog: the HOG recipe and the glyphs render, draw what they claim, and reject bad
input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import hog
from tests import diagram_checks

RNG = np.random.default_rng(9)
IMAGE = RNG.uniform(0, 255, size=(26, 35))  # 3 x 4 cells of 8 pixels, with leftovers
CELLS = RNG.uniform(0, 5, size=(3, 4, 9))
BLOCKS = RNG.uniform(0, 0.5, size=(2, 3, 36))  # 2 x 2 blocks of 9 bins


def _gid(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def test_recipe_draws_the_grid_the_block_its_cells_and_both_histograms():
    before = plt.get_fignums()
    fig = hog.recipe(IMAGE, CELLS, BLOCKS, cell=8, at=(1, 2), title="the recipe")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    diagram_checks.renders(fig)
    grid_ax, cell_ax, block_ax = fig.axes
    grid = [c for c in grid_ax.collections if c.get_gid() == "grid"]
    assert len(grid) == 1 and len(grid[0].get_segments()) == (4 + 1) + (3 + 1)
    assert len(_gid(grid_ax, "block")) == 1 and len(_gid(grid_ax, "cell")) == 4
    outline = _gid(grid_ax, "block")[0]
    assert (outline.get_x(), outline.get_y(), outline.get_width()) == (2 * 8 - 0.5, 1 * 8 - 0.5, 16)
    bins = _gid(cell_ax, "bin")
    np.testing.assert_allclose([b.get_height() for b in bins], CELLS[1, 2])
    assert [t.get_text() for t in cell_ax.get_xticklabels()][:2] == ["0-20", "20-40"]
    values = _gid(block_ax, "block_value")
    np.testing.assert_allclose([b.get_height() for b in values], BLOCKS[1, 2])
    assert len({b.get_facecolor() for b in values}) == 4, "one colour per cell of the block"
    texts = [t.get_text() for t in block_ax.texts]
    assert texts == ["cell (1, 2)", "cell (1, 3)", "cell (2, 2)", "cell (2, 3)"]
    assert "orientation" in cell_ax.get_xlabel() and "L2" in block_ax.get_ylabel()
    assert fig._suptitle.get_text() == "the recipe"


def test_recipe_reads_the_block_size_from_the_blocks():
    blocks = RNG.uniform(0, 0.5, size=(1, 2, 3 * 3 * 9))
    fig = hog.recipe(IMAGE, CELLS, blocks, cell=8)
    assert len(_gid(fig.axes[0], "cell")) == 9 and len(_gid(fig.axes[2], "block_value")) == 81


@pytest.mark.parametrize(
    "image, cells, blocks, kwargs",
    [
        (IMAGE[..., None], CELLS, BLOCKS, {}),  # not grey
        (IMAGE, CELLS[:2], BLOCKS, {}),  # cells do not fit the image
        (IMAGE, CELLS, BLOCKS, {"cell": 7}),  # nor this cell size
        (IMAGE, CELLS, BLOCKS, {"cell": 0}),
        (IMAGE, -CELLS, BLOCKS, {}),  # negative magnitudes
        (IMAGE, CELLS, BLOCKS[..., :35], {}),  # not block * block * bins
        (IMAGE, CELLS, BLOCKS[:, :2], {}),  # wrong number of blocks
        (IMAGE, CELLS, BLOCKS, {"at": (2, 0)}),  # no such block
    ],
)
def test_recipe_rejects_bad_input(image, cells, blocks, kwargs):
    with pytest.raises(ValueError):
        hog.recipe(image, cells, blocks, **kwargs)


def test_glyphs_draws_one_line_per_non_zero_bin_at_right_angles_to_the_gradient():
    cells = np.zeros((3, 4, 4))
    cells[0, 0, 0] = 2.0  # gradients of 0-45 degrees: the edge runs at 112.5 degrees
    cells[2, 3, 2] = 1.0  # 90-135 degrees
    fig = hog.glyphs(IMAGE, {"mine": cells, "random": CELLS}, cell=8, title="glyphs")
    diagram_checks.renders(fig)
    assert [ax.get_title() for ax in fig.axes] == ["mine", "random"]
    lines = [c for c in fig.axes[0].collections if c.get_gid() == "glyphs"]
    assert len(lines) == 1
    segments = lines[0].get_segments()
    assert len(segments) == 2
    (x0, y0), (x1, y1) = segments[0]
    assert np.isclose(np.degrees(np.arctan2(y1 - y0, x1 - x0)) % 180, 22.5 + 90)
    assert np.allclose(np.mean(segments[0], axis=0), (3.5, 3.5)), "centred on cell (0, 0)"
    alphas = lines[0].get_colors()[:, 3]
    assert alphas[0] == 1.0 and np.isclose(alphas[1], np.sqrt(0.5)), "brighter for the larger bin"
    random_lines = [c for c in fig.axes[1].collections if c.get_gid() == "glyphs"][0]
    assert len(random_lines.get_segments()) == CELLS.size
    assert fig._suptitle.get_text() == "glyphs"


@pytest.mark.parametrize(
    "cell_sets, cell",
    [
        ({}, 8),
        ([("a", CELLS)], 8),
        ({"a": CELLS[..., 0]}, 8),
        ({"a": CELLS}, 9),
        ({"a": CELLS, "b": np.full_like(CELLS, np.nan)}, 8),
    ],
)
def test_glyphs_rejects_bad_input(cell_sets, cell):
    with pytest.raises(ValueError):
        hog.glyphs(IMAGE, cell_sets, cell=cell)

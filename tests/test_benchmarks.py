"""make bench's parts run and report what they measured (the numbers are not checked:
benchmarks print ratios; tests never time anything)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograde.benchmarks import __main__ as bench
from autograde.benchmarks import conv, pipeline, table


def test_the_three_convolutions_agree_and_are_reported():
    rng = np.random.default_rng(1)
    image, bank = rng.normal(size=(12, 10, 3)), rng.normal(size=(3, 3, 3, 2))
    assert np.allclose(conv.vectorised(image, bank), conv.loops(image, bank))
    rows = conv.run(size=20, kernels=2)
    assert [r.unit for r in rows] == ["ms", "ms", "ms", "x", "x"]
    assert all(r.value > 0 for r in rows)


def test_each_pipeline_side_reads_every_image_every_epoch(tmp_path):
    from cnn_course_kit import datasets

    tree = datasets.make_standin_pets(tmp_path, {"train": 5, "validation": 1}, size=(40, 90))
    for side in pipeline.SIDES:
        result = pipeline._side(side, tree / "train", 2)
        assert [e["images"] for e in result["epochs"]] == [10, 10], side
        assert result["rss_mb"] > 0


def test_the_grading_part_can_be_limited_to_some_notebooks(tmp_path, monkeypatch):
    from autograde.benchmarks import grading

    asked = {}

    def fake_run(**kwargs):
        asked.update(kwargs)
        return [table.Row("grading", "stand-in row", 1.0, "s")]

    monkeypatch.setattr(grading, "run", fake_run)
    argv = ["grading", "--assignments", "01-visual-cortex", "02-convolution", "--out"]
    assert bench.main([*argv, str(tmp_path), "--submissions", "3"]) == 0
    assert asked == {"submissions": 3, "assignments": ["01-visual-cortex", "02-convolution"]}
    assert bench.main(["grading", "--out", str(tmp_path)]) == 0
    assert asked == {"submissions": 5, "assignments": None}


def test_one_part_prints_its_table_and_writes_json(tmp_path, capsys):
    assert bench.main(["conv", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "tf.nn.conv2d / vectorised" in out and "cores" in out.splitlines()[0]
    saved = json.loads((tmp_path / "conv.json").read_text())
    assert saved["part"] == "conv" and len(saved["rows"]) == 5 and saved["machine"]
    with pytest.raises(SystemExit):
        bench.main(["no-such-part"])


def test_a_ratio_row_divides_the_rates():
    row = table.ratio("p", "a / b", 300.0, 100.0, "note")
    assert (row.value, row.unit) == (3.0, "x") and "3.00" in row.line()


@pytest.mark.slow
def test_the_features_part_trains_the_same_head_both_ways(tmp_path):
    from autograde.benchmarks import features

    rows = features.run(tmp_path, images=8, epochs=2, batch=4, pool=8)
    assert [r.unit for r in rows] == ["s", "s", "s", "x", "x"]
    assert rows[2].value < rows[1].value  # reading the cache beats computing it


def test_a_notebook_is_timed_with_its_kernels_peak_memory(tmp_path):
    import nbformat

    from autograde.benchmarks import notebooks

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# a notebook"),
            nbformat.v4.new_code_cell("import numpy as np\nbig = np.ones(40 * 2**20 // 8)"),
            nbformat.v4.new_code_cell("open('here.txt', 'w').write('ran in its own folder')"),
        ]
    )
    nbformat.write(nb, tmp_path / "n.ipynb")
    seconds, peak = notebooks.run_one(tmp_path / "n.ipynb", timeout=60)
    assert seconds > 0 and peak > 40, (seconds, peak)
    assert (tmp_path / "here.txt").exists()


def test_the_epoch_estimate_of_case_4():
    from autograde.benchmarks import epochs

    rows = epochs.run(bases_to_time=())
    assert len(rows) == 1 and rows[0].what.startswith("Case 4") and rows[0].value > 0
    import keras

    assert epochs.small_cnn(keras).count_params() > 0


@pytest.mark.slow
@pytest.mark.sandbox
def test_the_grading_part_compares_with_stock_nbgrader():
    from autograde.benchmarks import grading

    rows = grading.run(submissions=1, workers=(1,), assignments=["01-visual-cortex"])
    what = [r.what for r in rows]
    assert what[0].startswith("stock nbgrader") and rows[0].value > 0
    assert any(w.startswith("make grade (1 workers, sandbox) / stock") for w in what)
    assert any("kernel start" in w for w in what)

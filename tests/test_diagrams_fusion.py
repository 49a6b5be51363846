"""cnn_course_kit.diagrams.fusion: the early, late and intermediate fusion diagrams render, draw one row
per source converging on one merge box, say what each box does (the widths and sqrt(d) of early
fusion, the combining rule of late fusion, the branches and the gradient of intermediate fusion),
and reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import fusion
from tests import diagram_checks


def _count(fig, gid):
    return len(diagram_checks.patches_with_gid(fig, gid))


def _texts(fig):
    return diagram_checks.texts_with_gid(fig, "box_text")


def test_early_fusion_scales_each_block_then_concatenates():
    before = plt.get_fignums()
    fig = fusion.early_fusion_diagram([("CNN", 512), ("HOG", 924), ("colour", 24)])
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert _count(fig, "source") == 3 and _count(fig, "block") == 3 and _count(fig, "scale") == 3
    assert (
        _count(fig, "merge") == 1 and _count(fig, "classifier") == 1 and _count(fig, "proba") == 1
    )
    assert _count(fig, "arrow") == 3 * 2 + 3 + 2, (
        "two arrows per row, one into the merge each, two after"
    )
    texts = _texts(fig)
    assert "concatenate\n(n, 1,460)" in texts, "the merged width is the sum of the widths"
    assert sum("\u221a924" in t for t in texts) == 1 and "block (n, 24)" in texts
    assert "logistic regression" in texts
    assert "Early fusion" in fig.axes[0].get_title()
    diagram_checks.renders(fig, 20000)


def test_late_fusion_names_the_rule():
    fig = fusion.late_fusion_diagram()
    assert _count(fig, "classifier") == 3 and _count(fig, "proba") == 3
    assert _count(fig, "combiner") == 1 and _count(fig, "output") == 1 and _count(fig, "merge") == 0
    assert any("mean of the" in t for t in _texts(fig))
    assert "Late fusion" in fig.axes[0].get_title()
    diagram_checks.renders(fig, 20000)
    weighted = _texts(
        fusion.late_fusion_diagram([("a", "x"), ("b", "y")], method="weighted", weights=[3, 1])
    )
    assert any("0.75 + 0.25" in t for t in weighted), "the weights are shown normalised"
    assert any("vote" in t for t in _texts(fusion.late_fusion_diagram(method="vote")))


def test_intermediate_fusion_has_a_branch_per_input_one_merge_and_a_gradient():
    fig = fusion.intermediate_fusion_diagram(
        ["a", "b", "c"], branch=["Conv2D", "GAP", "Dense"], head=["Dense 2"], title="three branches"
    )
    assert _count(fig, "input") == 3 and _count(fig, "branch") == 9
    assert _count(fig, "merge") == 1 and _count(fig, "head") == 1 and _count(fig, "gradient") == 1
    assert fig.axes[0].get_title() == "three branches"
    default = fusion.intermediate_fusion_diagram()
    assert _count(default, "input") == 2 and _count(default, "branch") == 4
    assert _count(default, "head") == 2
    texts = _texts(default)
    assert "Concatenate\nname='merge'" in texts and any("name='shared'" in t for t in texts)
    diagram_checks.renders(default, 20000)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fusion.early_fusion_diagram([("only one", 3)]), "blocks"),
        (lambda: fusion.early_fusion_diagram("CNN"), "blocks"),
        (lambda: fusion.early_fusion_diagram([("a", 3), ("b", 0)]), "width"),
        (lambda: fusion.early_fusion_diagram([("a", 3), ("b", 2.5)]), "width"),
        (lambda: fusion.early_fusion_diagram([("a", 3), "b"]), "width"),
        (lambda: fusion.late_fusion_diagram([("a", "x")]), "members"),
        (lambda: fusion.late_fusion_diagram([("a", "x"), "b"]), "pair"),
        (lambda: fusion.late_fusion_diagram(method="median"), "method"),
        (lambda: fusion.late_fusion_diagram(method="weighted"), "weight"),
        (lambda: fusion.late_fusion_diagram(method="weighted", weights=[1, 1]), "weight"),
        (lambda: fusion.late_fusion_diagram(method="weighted", weights=[1, -1, 1]), "weight"),
        (lambda: fusion.late_fusion_diagram(method="weighted", weights=[0, 0, 0]), "weight"),
        (lambda: fusion.late_fusion_diagram(weights=[1, 1, 1]), "weighted"),
        (lambda: fusion.intermediate_fusion_diagram(["one input"]), "inputs"),
        (lambda: fusion.intermediate_fusion_diagram(branch=[]), "branch"),
        (lambda: fusion.intermediate_fusion_diagram(head="Dense"), "head"),
    ],
)
def test_bad_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()

"""cnn_course_kit.widgets: sliders with a front end, a static figure without one."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit import widgets


def _draw(angle, position=0):
    fig, ax = plt.subplots()
    ax.set_title(f"{angle}/{position}")
    return fig


def test_headless_gives_the_figure_for_the_start_values(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "0")
    fig = widgets.explorer(_draw, angle=(0, 180, 15, 45), position=(-3, 3, 1))
    assert fig.axes[0].get_title() == "45/-3"
    assert fig.number not in plt.get_fignums()  # closed: shown once, as the cell's value


def test_frontend_detection(monkeypatch):
    for var in ("COURSE_WIDGETS", "JPY_SESSION_NAME", "VSCODE_PID"):
        monkeypatch.delenv(var, raising=False)
    assert not widgets.has_widget_frontend()
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/01.ipynb")
    assert widgets.has_widget_frontend()
    monkeypatch.setenv("COURSE_WIDGETS", "0")
    assert not widgets.has_widget_frontend()


def test_interactive_builds_sliders_and_redraws(monkeypatch):
    import ipywidgets

    monkeypatch.setenv("COURSE_WIDGETS", "1")
    calls = []

    def draw(angle, position):
        calls.append((angle, position))
        return _draw(angle, position)

    box = widgets.explorer(draw, angle=(0, 180, 15, 30), position=(-2.0, 2.0, 0.5))
    sliders = box.children[0].children
    assert isinstance(sliders[0], ipywidgets.IntSlider) and sliders[0].value == 30
    assert isinstance(sliders[1], ipywidgets.FloatSlider)
    sliders[0].value = 90
    assert calls[0] == (30, -2.0) and calls[-1] == (90, -2.0)


def test_bad_controls(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "1")
    with pytest.raises(ValueError, match="at least one control"):
        widgets.explorer(_draw)
    with pytest.raises(ValueError, match="angle"):
        widgets.explorer(_draw, angle=[0, 1])

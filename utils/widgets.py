"""Interactive explorers that degrade to a static figure when nobody can move a slider.

``explorer(draw, angle=(0, 180, 5, 45))`` shows one slider per keyword and redraws
``draw(angle=...)`` (a function returning a matplotlib Figure) as they move. When the
notebook runs headless (nbval, nbgrader, ``jupyter nbconvert``), no front end renders
widgets, so the explorer shows the figure for the starting values instead: the saved
notebook then carries a real picture rather than an empty widget placeholder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import matplotlib.pyplot as plt


def has_widget_frontend() -> bool:
    """Best guess whether a front end that renders widgets is attached to this kernel.

    True in JupyterLab/Notebook (the server sets ``JPY_SESSION_NAME`` for kernels it
    starts), Colab and VS Code; False under nbclient-based runners (nbval, nbgrader,
    nbconvert). ``COURSE_WIDGETS=0/1`` overrides the guess.
    """
    forced = os.environ.get("COURSE_WIDGETS")
    if forced in {"0", "1"}:
        return forced == "1"
    if "google.colab" in sys.modules or "VSCODE_PID" in os.environ:
        return True
    return bool(os.environ.get("JPY_SESSION_NAME"))


def _slider(name: str, spec):
    import ipywidgets as widgets

    if isinstance(spec, widgets.Widget):
        return spec
    if not (isinstance(spec, tuple) and len(spec) in (3, 4)):
        raise ValueError(
            f"Control {name!r} must be a widget or (min, max, step[, start]). Received: {spec!r}"
        )
    lo, hi, step = spec[:3]
    start = spec[3] if len(spec) == 4 else lo
    cls = widgets.IntSlider if all(isinstance(v, int) for v in spec) else widgets.FloatSlider
    return cls(
        min=lo,
        max=hi,
        step=step,
        value=start,
        description=name,
        continuous_update=False,
        style={"description_width": "initial"},
    )


def _value(spec):
    if isinstance(spec, tuple):
        return spec[3] if len(spec) == 4 else spec[0]
    return spec.value


def explorer(draw: Callable[..., plt.Figure], **controls):
    """Sliders for ``controls`` driving ``draw(**values)``; a static figure when headless.

    Returns the widget box (interactive) or the Figure (headless); leave it as the last
    expression of a cell to display it.
    """
    if not controls:
        raise ValueError("explorer needs at least one control, e.g. angle=(0, 180, 5).")
    if not has_widget_frontend():
        fig = draw(**{name: _value(spec) for name, spec in controls.items()})
        plt.close(fig)  # shown once, as the cell's value; not again by the inline backend
        return fig

    import ipywidgets as widgets
    from IPython.display import display

    sliders = {name: _slider(name, spec) for name, spec in controls.items()}
    out = widgets.Output()

    def redraw(**values):
        with out:
            out.clear_output(wait=True)
            fig = draw(**values)
            display(fig)
            plt.close(fig)  # shown once, inside the Output; not again by the inline backend

    widgets.interactive_output(redraw, sliders)
    return widgets.VBox([widgets.HBox(list(sliders.values())), out])

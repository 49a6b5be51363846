"""Plausible wrong answers, per notebook, for the grading round trip.

Each entry replaces the body of one solution cell (by grade_id) with a mistake a student
could make, and names the graded cells that must then lose their points; every other
graded cell must keep full marks. Exercises are graded independently where
the notebook allows it (e.g. tuning_curve is tested with a fake stimulus and cell, so a
wrong make_bar does not cost its points too).

One module per notebook (``nb<assignment>.py``, dashes as underscores) holds its ``CASES``;
``WRONG_ANSWERS`` maps each assignment id to them.
"""

import importlib
import pkgutil

WRONG_ANSWERS = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("nb"):
        _module = importlib.import_module(f"{__name__}.{_info.name}")
        WRONG_ANSWERS[_info.name[2:].replace("_", "-")] = _module.CASES

"""Broken and hostile submissions of 01-visual-cortex, each a real notebook file.

Every kind starts from an honest, fully solved student notebook (the released notebook
with the solutions' answers typed in) and does one thing a careless or hostile student
might do. ``KINDS`` lists, for each, the auto-graded score it must receive (out of 11),
the tests that must score 0 (every other test must earn its full points) and a phrase its
feedback must contain. Most snippets go at the top of the *last* answer cell
(``complex_cell_response``). The kinds that break the kernel from inside a function go
into an *early* exercise (``make_bar``), so the exercises after it show whether one
exercise's failure costs another's; the kinds that try to read the hidden tests go into
``simple_cell_response``, whose tests are partly hidden, and still return the right answer.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograde.scratch import solved_student_notebook

ASSIGNMENT = "01-visual-cortex"
FULL = 11  # auto-graded points of the notebook
LAST = "complex_cell_response"


@dataclass
class Kind:
    """One way a submission can go wrong: how to build it and what it must score."""

    name: str
    score: float
    note: str | None  # a phrase the student's feedback must contain (None: no note needed)
    zero: tuple[str, ...] | None = None  # the tests that score 0 (the rest: full marks)


def _cells(nb, grade_id):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def solved(release: Path, solutions: Path) -> nbformat.NotebookNode:
    """The released notebook with every answer filled in from the solutions."""
    return solved_student_notebook(release, solutions)


def _wrong_last(nb, returns: str = "0.0"):
    """The last answer returns ``returns`` instead of the right value (loses its 2 points)."""
    cell = _cells(nb, LAST)[0]
    cell.source = cell.source.replace("    return float(best)", f"    return {returns}")
    return nb


def _prepend(nb, code: str, grade_id: str = LAST):
    nb = copy.deepcopy(nb)
    cell = _cells(nb, grade_id)[0]
    cell.source = code.strip() + "\n\n" + cell.source
    return nb


def _append(nb, code: str, grade_id: str):
    nb = copy.deepcopy(nb)
    cell = _cells(nb, grade_id)[0]
    cell.source = cell.source + "\n\n" + code.strip() + "\n"
    return nb


def _wrap(nb, grade_id: str, before: str):
    """``grade_id``'s function, wrapped: ``before`` runs first, then the honest answer."""
    code = (
        f"_honest_{grade_id} = {grade_id}\n\n\n"
        f"def {grade_id}(*args, **kwargs):\n"
        + "".join(f"    {line}\n" for line in before.strip().splitlines())
        + f"    return _honest_{grade_id}(*args, **kwargs)\n"
    )
    return _append(nb, code, grade_id)


def build(
    kind: str, honest: nbformat.NotebookNode, *, paths: dict[str, str], port: int
) -> str | bytes | nbformat.NotebookNode | None:
    """The submission for ``kind``: a notebook, raw text/bytes, or None (no file at all)."""
    nb = copy.deepcopy(honest)
    if kind == "honest":
        return nb
    if kind == "infinite loop":
        return _prepend(nb, "while True:\n    pass")
    if kind == "memory bomb":
        return _prepend(nb, "hog = [bytearray(64 * 2**20) for _ in range(10_000)]  # 640 GB")
    if kind == "fork bomb":
        return _prepend(nb, "import os\nwhile True:\n    os.fork()")
    if kind == "kernel never answers":
        return _prepend(
            nb,
            "import signal, time\n"
            "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\n"
            "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "time.sleep(10**6)",
        )
    if kind == "sys.exit()":
        return _prepend(nb, "import sys\nsys.exit(0)")
    if kind == "os._exit()":
        return _prepend(nb, "import os\nos._exit(0)")
    if kind == "segfault":
        return _prepend(nb, "import ctypes\nctypes.string_at(0)")
    if kind == "monkeypatched checks":
        # Wrong answer (returns 0.0), plus every check rebound to a no-op in an early cell.
        nb = _prepend(
            nb,
            "check_close = check_equal = check_true = check_raises = "
            "check_type = check_shape = lambda *args, **kwargs: None",
            grade_id="area_roles",
        )
        return _wrong_last(nb)
    if kind in PATCHES:
        return _wrong_last(_prepend(nb, PATCHES[kind]))
    if kind in BREAKS_THE_KERNEL:
        return _wrap(nb, EARLY, BREAKS_THE_KERNEL[kind])
    if kind == "patches IPython's run_cell":
        return _append(nb, RUN_CELL_PATCH, EARLY)
    if kind in LEAKS:
        return _wrap(nb, PEEKED, _looking(f"print({LEAKS[kind]})"))
    if kind == "stashes what it sees, prints it later":
        nb = _wrap(nb, PEEKED, _looking(f"_STASH.append({LEAKS['walks the frames']})"))
        nb = _prepend(nb, "_STASH = []", PEEKED)
        return _prepend(nb, "print('stashed:', _STASH)", "tuning_curve")
    if kind == "object equal to anything":
        cell = _cells(nb, LAST)[0]
        cell.source = (
            "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
            "    __ne__ = lambda self, other: False\n"
            "    __array__ = lambda self, *a, **k: np.float64(best)\n\n" + cell.source
        )
        return _wrong_last(nb, "Anything(-1.0)")
    if kind == "deleted grading cell":
        nb.cells = [c for c in nb.cells if c not in _cells(nb, "test_make_bar")]
        return nb
    if kind == "edited grading cell":
        _cells(nb, "test_make_bar")[0].source = "pass  # all good"
        return nb
    if kind == "changed points":
        _cells(nb, "test_make_bar")[0].metadata["nbgrader"]["points"] = 100
        return nb
    if kind == "changed grade_id":
        _cells(nb, "test_make_bar")[0].metadata["nbgrader"]["grade_id"] = "my_free_points"
        return nb
    if kind == "changed cell type":
        cell = _cells(nb, "test_make_bar")[0]
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        return nb
    if kind == "duplicated grading cell":
        index = nb.cells.index(_cells(nb, "test_preferred_orientation")[0])
        nb.cells.insert(index + 1, copy.deepcopy(nb.cells[index]))
        return nb
    if kind == "reads the solutions":
        return _prepend(nb, f"answers = open({paths['solutions']!r}).read()\nprint(answers[:50])")
    if kind == "writes the gradebook":
        return _prepend(nb, f"open({paths['gradebook']!r}, 'wb').write(b'all A')")
    if kind == "writes another submission":
        return _prepend(nb, f"open({paths['other']!r}, 'w').write('{{}}')")
    if kind == "opens a connection":
        return _prepend(nb, f"import socket\nsocket.create_connection(('127.0.0.1', {port}), 3)")
    if kind == "100 MB print":
        return _prepend(nb, "print('x' * 100_000_000)")
    if kind == "invalid JSON":
        return "{ this is not json"
    if kind == "truncated file":
        return json.dumps(nbformat.v4.new_notebook(cells=honest.cells))[:5000]
    if kind == "missing notebook":
        return None
    if kind == "wrong kernel":
        nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
        return nb
    if kind == "another assignment":
        other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        other.cells[0].metadata["nbgrader"] = {
            "grade_id": "conv2d_valid",
            "solution": True,
            "grade": False,
            "locked": False,
            "schema_version": 3,
            "task": False,
        }
        return other
    raise KeyError(kind)


# Ways to make a wrong answer (complex_cell_response returns 0.0) pass its tests, each
# prepended to the wrong answer's cell. Measured with grading cells run in the student's
# kernel (nbgrader's usual way): "monkeypatched checks", the first two here and the forged
# messages all earned points they should not; silencing the error display did not
# (nbgrader also reads the reply's status), nor did "object equal to anything" (NumPy
# reads the float value).
PATCHES = {
    "patched cnn_course_kit.checks and numpy.testing": """
import numpy.testing, cnn_course_kit.checks
for _n in dir(cnn_course_kit.checks):
    if _n.startswith("check_"):
        setattr(cnn_course_kit.checks, _n, lambda *args, **kwargs: None)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = lambda *a, **k: None
from cnn_course_kit.checks import *
""",
    "patched numpy and builtins": """
import builtins
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = np.allclose = lambda *a, **k: True
builtins.AssertionError = builtins.ValueError = type("Never", (Exception,), {})
""",
    "silenced error display": """
_ip = get_ipython()
_ip.showtraceback = lambda *a, **k: None
_ip.set_custom_exc((BaseException,), lambda *a, **k: None)
""",
    "forged grader messages": """
import json as _json
def _forge():  # pretend to be the grader's channel: every check passed
    for _i in range(12):
        for _k in (0, 1):
            get_ipython().display_pub.publish({"text/x-course-kit-grading": _json.dumps(
                {"index": _i, "key": _k, "value": {"t": "float", "v": "5.0"}})}, metadata={})
    get_ipython().displayhook(2)  # nbgrader reads a number left in a cell as partial credit
_real_max, _forged = max, []
def max(*args, **kwargs):
    if not _forged:
        _forged.append(_forge())
    return _real_max(*args, **kwargs)
""",
}


def _looking(statement: str) -> str:
    """``statement``, and if it fails (no source to be had, say) what it ran into."""
    return f"try:\n    {statement}\nexcept Exception as _exc:\n    print('could not look:', _exc)"


EARLY = "make_bar"  # an early exercise: every exercise after it must keep its points
PEEKED = "simple_cell_response"  # its tests are partly hidden
_EARLY_TEST = ("test_make_bar",)

# Kinds that break the kernel from inside make_bar (it is called by its test only: the
# demo cells that call it are not run while grading).
BREAKS_THE_KERNEL = {
    "os._exit() in a function": "import os\nos._exit(0)",
    "returns an array that crashes NumPy": (
        "return np.lib.stride_tricks.as_strided(np.zeros(1), shape=(41, 41), strides=(2**40, 8))"
    ),
    "floods the kernel with threads": (
        "import threading\n"
        "def _spin():\n"
        "    while True:\n"
        "        pass\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        threading.Thread(target=_spin, daemon=True).start()\n"
        "    except RuntimeError:\n"
        "        break"
    ),
    "a function that hangs": "import time\ntime.sleep(10**6)",
}

RUN_CELL_PATCH = """
_ip = get_ipython()
_ip.run_cell = lambda *args, **kwargs: None


async def _run_nothing(*args, **kwargs):
    return None


_ip.run_cell_async = _run_nothing
"""

# Each prints what it can find of the code that called it; the function still returns
# the right answer, so the exercise keeps its points and the output is what is judged.
LEAKS = {
    "prints its caller's source": (
        "[__import__('inspect').getsource(f.frame) if f.code_context is None else "
        "''.join(f.code_context) for f in __import__('inspect').stack()[1:4]]"
    ),
    "prints the input history": (
        "get_ipython().user_ns.get('_ih'), get_ipython().user_ns.get('Out'), "
        "get_ipython().history_manager.input_hist_raw[-3:], "
        "get_ipython().kernel.get_parent().get('content', {}).get('code')"
    ),
    "prints linecache": (
        "[''.join(entry[2]) for entry in list(__import__('linecache').cache.values()) "
        "if len(entry) > 2]"
    ),
    "walks the frames": (
        "[(f.f_code.co_filename, f.f_code.co_consts, repr(f.f_locals)[:2000]) for f in "
        "iter(lambda _f=[__import__('sys')._getframe()]: _f.append(_f[-1].f_back) or _f[-1], "
        "None)]"
    ),
    "scans gc for code and strings": (
        "[(o.__code__.co_filename, o.__code__.co_consts) if callable(o) else "
        "[v for v in o.values() if isinstance(v, str) and ('check_' in v or 'course' in v)] "
        "for o in __import__('gc').get_objects() if (callable(o) and hasattr(o, '__code__') and "
        "'grader' in o.__code__.co_filename) or type(o) is dict][:3000]"
    ),
}

KINDS = [
    Kind("honest", FULL, None),
    Kind("infinite loop", FULL - 2, "ran longer than the time limit"),
    Kind("memory bomb", FULL - 2, None),
    Kind("fork bomb", FULL - 2, None),
    Kind("kernel never answers", FULL - 2, "'complex_cell_response'"),
    Kind("sys.exit()", FULL - 2, None),
    Kind("os._exit()", FULL - 2, "ended the notebook's Python process"),
    Kind("segfault", FULL - 2, "ended the notebook's Python process"),
    Kind("monkeypatched checks", FULL - 2, None),
    Kind("patched cnn_course_kit.checks and numpy.testing", FULL - 2, None),
    Kind("patched numpy and builtins", FULL - 2, None),
    Kind("silenced error display", FULL - 2, None),
    Kind("forged grader messages", FULL - 2, "Two different results came back"),
    Kind("object equal to anything", FULL - 2, "not the expected value"),
    Kind("deleted grading cell", FULL, "was missing and was restored"),
    Kind("edited grading cell", FULL, "had been edited"),
    Kind("changed points", FULL, "had been edited"),
    Kind("changed grade_id", FULL, "unknown grading id"),
    Kind("changed cell type", FULL, "changed from code to markdown"),
    Kind("duplicated grading cell", FULL, "second copy"),
    Kind("reads the solutions", FULL - 2, None),
    # The path does not exist in the sandbox; the write lands in its private /tmp and is
    # thrown away, so the code after it runs and earns its points.
    Kind("writes the gradebook", FULL, None),
    Kind("writes another submission", FULL - 2, None),
    Kind("opens a connection", FULL - 2, None),
    Kind("100 MB print", FULL, "shortened"),
    Kind("invalid JSON", 0, "not valid notebook JSON"),
    Kind("truncated file", 0, "cut off while uploading"),
    Kind("missing notebook", 0, "No notebook named"),
    Kind("wrong kernel", FULL, "kernel was 'evil'"),
    Kind("another assignment", 0, "another assignment"),
    Kind("os._exit() in a function", FULL - 2, "ended the notebook's Python process", _EARLY_TEST),
    Kind(
        "returns an array that crashes NumPy",
        FULL - 2,
        "ended the notebook's Python process",
        _EARLY_TEST,
    ),
    Kind(
        "floods the kernel with threads", FULL - 2, "The grader started a new Python", _EARLY_TEST
    ),
    Kind("a function that hangs", FULL - 2, "ran longer than the time limit", _EARLY_TEST),
    Kind("patches IPython's run_cell", FULL - 2, "no longer ran the grader's code", _EARLY_TEST),
    *[Kind(name, FULL, "while this cell's tests ran", ()) for name in LEAKS],
    Kind("stashes what it sees, prints it later", FULL, None, ()),
]

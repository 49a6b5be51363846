"""cnn_course_kit.checks: failures are CheckFailure (an AssertionError) with messages that teach."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course_kit import checks
from cnn_course_kit.checks import CheckFailure


def _message(func, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as err:
        func(*args, **kwargs)
    assert isinstance(err.value, AssertionError)
    return str(err.value)


def test_passing_checks_return_quietly():
    checks.check_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9])
    checks.check_shape(np.zeros((2, 3)), (2, 3))
    checks.check_equal(3, 3)
    checks.check_equal(np.arange(3), np.arange(3))
    checks.check_type(1.5, float)
    checks.check_in_range([0.1, 0.9], 0, 1)
    checks.check_true(True, "never shown")
    checks.check_raises(lambda: 1 / 0, ZeroDivisionError)


def test_checks_return_none_so_nbgrader_never_reads_partial_credit():
    # nbgrader treats a number left as a grading cell's output as partial credit.
    assert checks.check_raises(lambda: 1 / 0, ZeroDivisionError) is None
    assert checks.check_close(1.0, 1.0) is None
    assert checks.check_equal("a", "a") is None


def test_helper_frames_are_hidden_from_pytest_tracebacks():
    import inspect

    for name in dir(checks):
        if name.startswith("check_"):
            assert "__tracebackhide__" in inspect.getsource(getattr(checks, name)), name


# A grading cell failing in a real IPython shell (a subprocess: the shell is a singleton
# that would stay behind in this test process); prints the lines IPython would show.
_IPYTHON_CELL = r"""
import json, re
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shown = []
shell._showtraceback = lambda etype, value, stb: shown.append(stb)
shell.run_cell("from cnn_course_kit.checks import check_close")
shell.run_cell("%xmode " + MODE)
shell.run_cell('x = 2\ncheck_close(x, 3.0, name="scale(1)", hint="Multiply, do not add.")')
print(json.dumps([re.sub(r"\x1b\[[0-9;]*m", "", line) for line in shown[-1]]))
"""


@pytest.mark.parametrize("mode", ["Context", "Verbose", "Plain"])
def test_ipython_shows_the_teaching_message_first_and_no_helper_frame(mode):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", _IPYTHON_CELL.replace("MODE", repr(mode))],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = json.loads(proc.stdout.strip().splitlines()[-1])
    text = "\n".join(lines)
    assert lines[0].startswith("CheckFailure: scale(1) is not the expected value."), text
    assert lines[0].rstrip().endswith("Hint: Multiply, do not add."), text
    assert text.count("is not the expected value") == 1, text  # not repeated at the bottom
    assert "utils/checks.py" not in text and "interactiveshell" not in text, text
    assert "check_close(x, 3.0" in text, text  # the student's failing line is still shown


def test_traceback_outside_ipython_also_starts_with_the_message():
    with pytest.raises(CheckFailure) as err:
        checks.check_equal(1, 2, name="n")
    lines = err.value._render_traceback_()
    assert lines[0].endswith("n is not the expected value.\n  expected: 2\n  got:      1")
    text = "".join(lines)
    assert "utils/checks.py" not in text and text.count("is not the expected value") == 1, text


def test_check_close_says_expected_got_where_and_hint():
    msg = _message(
        checks.check_close,
        np.array([[1.0, 2.0], [3.0, 5.0]]),
        [[1, 2], [3, 4]],
        name="conv2d_valid(img, k)",
        hint="Did you flip the kernel?",
    )
    assert "conv2d_valid(img, k) is not the expected value" in msg
    assert "expected:" in msg and "got:" in msg
    assert "index (1, 1)" in msg and "1 of 4 entries differ" in msg
    assert msg.rstrip().endswith("Hint: Did you flip the kernel?")


def test_check_close_reports_shape_before_values():
    msg = _message(checks.check_close, np.zeros((4, 4)), np.zeros((3, 3)), name="out")
    assert "wrong shape" in msg and "(3, 3)" in msg and "(4, 4)" in msg


def test_none_result_points_at_missing_return():
    msg = _message(checks.check_close, None, 1.0, name="f(2)")
    assert "returned nothing" in msg and "return" in msg


def test_nan_is_named():
    assert "NaN" in _message(checks.check_close, [np.nan], [1.0])


def test_non_numeric_result():
    assert "str" in _message(checks.check_close, "abc", 1.0)


def test_check_equal_rejects_bool_for_number_and_wrong_values():
    assert "should be a number" in _message(checks.check_equal, True, 1)
    msg = _message(checks.check_equal, [1, 2], [1, 3], name="order")
    assert "[1, 3]" in msg and "[1, 2]" in msg


def test_check_shape_and_type_messages():
    assert "(2, 2)" in _message(checks.check_shape, np.zeros((2, 2)), (3,))
    msg = _message(checks.check_type, np.float64(1), (int, str), name="x")
    assert "int or str" in msg


def test_check_in_range_and_true():
    assert "between 0 and 255" in _message(checks.check_in_range, [-1, 300], 0, 255)
    msg = _message(checks.check_true, False, "The same letter is used twice.", hint="one each")
    assert msg.startswith("The same letter is used twice.") and "Hint: one each" in msg


def test_check_raises_wrong_or_missing_error():
    assert "no error" in _message(checks.check_raises, lambda: None, ValueError)
    msg = _message(checks.check_raises, lambda: 1 / 0, ValueError)
    assert "ZeroDivisionError" in msg and "ValueError" in msg


def test_check_raises_can_require_words_in_the_message():
    def bad():
        raise ValueError("shapes (3, 3) and (1, 3) differ")

    checks.check_raises(bad, ValueError, contains=["(3, 3)", "(1, 3)"])
    msg = _message(checks.check_raises, bad, ValueError, contains=["(5, 5)"])
    assert "does not mention '(5, 5)'" in msg and "(1, 3)" in msg


def test_long_arrays_are_truncated_in_messages():
    msg = _message(checks.check_close, np.ones(10_000), np.zeros(10_000))
    assert len(msg) < 1500


def test_check_equal_can_keep_an_answer_key_secret():
    key = {"V1": "D", "V2": "G", "V4": "C"}
    checks.check_equal(dict(key), key, reveal=False)
    msg = _message(
        checks.check_equal,
        {"V1": "D", "V2": "A", "V4": "B"},
        key,
        name="the ventral areas",
        reveal=False,
    )
    assert msg.startswith("2 of the 3 entries of the ventral areas are not right.")
    assert "G" not in msg and "C" not in msg.replace("the ventral", "")
    assert "not right" in _message(checks.check_equal, ["a"], ("a",), reveal=False)
    assert "3" not in _message(checks.check_equal, 4, 3, reveal=False)

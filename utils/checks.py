"""Assertion helpers for grading cells: every failure says what was expected, what was
got, and a hint, in the student's language.

A failing check raises :class:`CheckFailure`, a subclass of ``AssertionError``, so
nbgrader counts it as a failed test and shows the message in the feedback::

    check_close(conv2d_valid(img, k), expected, name="conv2d_valid(image, sobel)",
                hint="Did you flip the kernel? Deep-learning convolution does not.")

In a notebook the failure shows the message first, then where it happened in the
student's cell, and no frame of this module (see :meth:`CheckFailure._render_traceback_`).
"""

from __future__ import annotations

import numbers
import re
import traceback
import types
from collections.abc import Sequence

import numpy as np

_MAX_SHOWN = 200  # characters of an array shown in a message


class CheckFailure(AssertionError):
    """A failed check; its message is written for the student."""

    def _render_traceback_(self) -> list[str]:
        """The traceback IPython shows for this failure: the message first, then the
        student's frames, without this module's.

        ``__tracebackhide__`` alone cannot do it: IPython's formatter skips a frame whose
        locals hold it except the innermost one (ultratb's ``i != lastrecord``), and the
        innermost frame is always the ``check_*`` that raised. IPython asks an exception
        for this method before formatting it (the kernel sends these lines to the notebook
        and to nbgrader's Validate), so here the traceback is rebuilt without those frames.
        """
        header = f"\x1b[31m{type(self).__name__}\x1b[39m: {self}"
        tb = _student_traceback(self.__traceback__)
        try:
            from IPython import get_ipython

            shell = get_ipython()
            stb = shell.InteractiveTB.structured_traceback(type(self), self, tb, tb_offset=0)
        except Exception:  # noqa: BLE001 - outside IPython, or a changed IPython: plain lines
            stb = traceback.format_exception(type(self), self, tb)
        # IPython (and traceback) end with "CheckFailure: <message>": it now comes first.
        while stb and _plain(stb[-1]).strip().endswith(_plain(header).strip()):
            stb = stb[:-1]
        return [header, *stb]


def _plain(text: str) -> str:
    """``text`` without ANSI colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _student_traceback(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without this module's frames and frames marked ``__tracebackhide__`` (the
    helpers here; IPython's own ``run_code``), so the innermost frame left is the line of
    the student's cell that called the check."""
    kept = []
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_globals.get("__name__") != __name__ and not frame.f_locals.get(
            "__tracebackhide__"
        ):
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def _show(value) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=64, linewidth=80):
            text = np.array2string(value)
    else:
        text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[:_MAX_SHOWN] + " ..."
    return text.replace("\n", "\n            ")


def _failure(
    what: str,
    expected=None,
    got=None,
    hint: str | None = None,
    *,
    show_values: bool = True,
    extra: str = "",
) -> CheckFailure:
    lines = [what]
    if show_values:
        lines.append(f"  expected: {_show(expected)}")
        lines.append(f"  got:      {_show(got)}")
    if extra:
        lines.append(extra)
    if hint:
        lines.append(f"Hint: {hint}")
    return CheckFailure("\n".join(lines))


def _as_array(value, name: str, hint: str | None) -> np.ndarray:
    __tracebackhide__ = True
    if value is None:
        raise _failure(
            f"{name} is None: the function returned nothing.",
            hint=hint or "Make sure the function ends with a `return` statement.",
            show_values=False,
        )
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _failure(
            f"{name} should be a number or an array of numbers, but it is a "
            f"{type(value).__name__}.",
            hint=hint,
            show_values=False,
        ) from None


def check_type(got, expected_type, *, name: str = "the result", hint: str | None = None) -> None:
    """Fail unless ``got`` is an instance of ``expected_type`` (a type or tuple of types)."""
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    if not isinstance(got, expected_type):
        names = (
            expected_type.__name__
            if isinstance(expected_type, type)
            else " or ".join(t.__name__ for t in expected_type)
        )
        raise _failure(f"{name} has the wrong type.", names, type(got).__name__, hint)


def check_shape(got, expected_shape, *, name: str = "the result", hint: str | None = None) -> None:
    """Fail unless ``np.shape(got) == expected_shape``."""
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    if got is None:
        _as_array(got, name, hint)
    shape = np.shape(got)
    expected_shape = tuple(expected_shape)
    if shape != expected_shape:
        raise _failure(f"{name} has the wrong shape.", expected_shape, shape, hint)


def check_close(
    got,
    expected,
    *,
    name: str = "the result",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str | None = None,
) -> None:
    """Fail unless ``got`` matches ``expected`` element-wise within tolerances (shape first)."""
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    got_arr = _as_array(got, name, hint)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        raise _failure(f"{name} has the wrong shape.", exp_arr.shape, got_arr.shape, hint)
    if np.any(np.isnan(got_arr) & ~np.isnan(exp_arr)):
        raise _failure(
            f"{name} contains NaN (not a number).",
            expected,
            got,
            hint
            or "NaN usually comes from 0/0, a square root of a negative number, "
            "or an uninitialised array (np.empty).",
        )
    close = np.isclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        extra = ""
        if got_arr.ndim:
            bad = np.argwhere(~close)
            idx = tuple(int(i) for i in bad[0])
            extra = (
                f"  {len(bad)} of {close.size} entries differ; the first is at index "
                f"{idx}: expected {exp_arr[idx]:.6g}, got {got_arr[idx]:.6g}."
            )
        raise _failure(f"{name} is not the expected value.", expected, got, hint, extra=extra)


def _count_wrong(got, expected) -> tuple[int, int] | None:
    """(entries that differ, entries expected) for two dicts or two equally long lists."""
    if isinstance(expected, dict) and isinstance(got, dict):
        return sum(got.get(k, object()) != v for k, v in expected.items()), len(expected)
    if (
        isinstance(expected, (list, tuple))
        and isinstance(got, (list, tuple))
        and len(got) == len(expected)
    ):
        return sum(g != e for g, e in zip(got, expected)), len(expected)
    return None


def check_equal(
    got, expected, *, name: str = "the result", hint: str | None = None, reveal: bool = True
) -> None:
    """Fail unless ``got == expected`` (element-wise for arrays, exact for everything else).

    ``reveal=False`` keeps the expected value out of the message (an answer key in a
    hidden test): for dicts and lists the message says how many entries are wrong.
    """
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    if not reveal:
        try:
            equal = type(got) is type(expected) and bool(got == expected)
        except (TypeError, ValueError):
            equal = False
        if not equal:
            counted = _count_wrong(got, expected)
            what = (
                f"{counted[0]} of the {counted[1]} entries of {name} are not right."
                if counted
                else f"{name} is not right."
            )
            raise _failure(what, hint=hint, show_values=False)
        return
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        got_arr, exp_arr = np.asarray(got), np.asarray(expected)
        if got_arr.shape != exp_arr.shape:
            raise _failure(f"{name} has the wrong shape.", exp_arr.shape, got_arr.shape, hint)
        if not np.array_equal(got_arr, exp_arr):
            raise _failure(f"{name} is not the expected array.", expected, got, hint)
        return
    if isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        if isinstance(got, bool) or not isinstance(got, numbers.Number):
            raise _failure(f"{name} should be a number.", expected, got, hint)
    try:
        equal = bool(got == expected)
    except (TypeError, ValueError):
        equal = False
    if not equal:
        raise _failure(f"{name} is not the expected value.", expected, got, hint)


def check_in_range(got, low, high, *, name: str = "the result", hint: str | None = None) -> None:
    """Fail unless every entry of ``got`` lies in the closed interval [low, high]."""
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    arr = _as_array(got, name, hint)
    if arr.size and (np.nanmin(arr) < low or np.nanmax(arr) > high or np.isnan(arr).any()):
        raise _failure(
            f"{name} should lie between {low} and {high}.",
            f"values in [{low}, {high}]",
            f"values in [{np.nanmin(arr):.6g}, {np.nanmax(arr):.6g}]",
            hint,
        )


def check_true(condition, message: str, *, hint: str | None = None) -> None:
    """Fail with ``message`` unless ``condition`` holds (use for properties, not values)."""
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    if not condition:
        raise _failure(message, hint=hint, show_values=False)


def check_raises(
    func,
    exception=Exception,
    *,
    name: str = "the call",
    contains: Sequence[str] = (),
    hint: str | None = None,
) -> None:
    """Fail unless ``func()`` raises ``exception`` whose message contains every string in
    ``contains`` (e.g. the shapes the message should name).

    Returns nothing on purpose, like every check: nbgrader reads a number left as the
    last output of a grading cell as partial credit, so a check must never print or return.
    """
    __tracebackhide__ = True  # IPython shows the student's cell, not this helper
    try:
        func()
    except exception as exc:  # the behaviour we want; now check what it says
        missing = [text for text in contains if text not in str(exc)]
        if missing:
            raise _failure(
                f"{name} raised {type(exc).__name__} as it should, but its message "
                f"does not mention {', '.join(map(repr, missing))}.",
                f"a message containing {', '.join(map(repr, contains))}",
                str(exc),
                hint,
            ) from None
        return
    except Exception as exc:  # noqa: BLE001 - report the wrong kind of error
        raise _failure(
            f"{name} raised the wrong kind of error.",
            exception.__name__,
            f"{type(exc).__name__}: {exc}",
            hint,
        ) from None
    raise _failure(
        f"{name} should raise an error but returned normally.", exception.__name__, "no error", hint
    )

"""Judge a grading cell in the grader's own process, from data the student's kernel sent.

:func:`judge` walks a :class:`~autograde.split.Plan` in order. Statements marked for the
grader run in a fresh namespace holding only what the setup cell imports; each check is
called from that namespace, with its expected values evaluated here and its values from
the student decoded from the messages :mod:`autograde._emit` sent. Decoding builds plain
Python and NumPy values only (a subclass, a custom ``__eq__`` or an ``__array__`` trick
does not survive the trip), so a check here sees exactly what the student's code
produced and nothing the student's code can still influence.

The verdict is fail-closed: a value that never came back, came back twice or cannot be
decoded fails its check.
"""

from __future__ import annotations

import ast
import base64
import builtins
import json
from dataclasses import dataclass

import numpy as np

from ._emit import MIME
from .split import Plan, Step

_ALLOWED_KINDS = "biufc"


class Opaque:
    """An object the grader cannot rebuild (a student class, a function, a huge array)."""

    def __init__(self, type_name: str, module: str, text: str, why: str = ""):
        self.type_name, self.module, self.text, self.why = type_name, module, text, why

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name} object>"


class BadPayload(ValueError):
    """Data from the student's kernel that is not a value the grader sent for."""


def _array(dtype: str, shape, b64: str) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind not in _ALLOWED_KINDS or dt.hasobject:
        raise BadPayload(f"unexpected dtype {dtype}")
    shape = tuple(int(n) for n in shape)
    data = base64.b64decode(b64)
    if len(data) != int(np.prod(shape, dtype=np.int64)) * dt.itemsize:
        raise BadPayload("array data of the wrong length")
    return np.frombuffer(data, dtype=dt).reshape(shape).copy()


def decode(node):
    """Rebuild a value encoded by :mod:`autograde._emit` (plain types only)."""
    kind = node["t"]
    if kind == "json":
        if node["v"] is not None and not isinstance(node["v"], bool):
            raise BadPayload("json value that is not None or a bool")
        return node["v"]
    if kind == "int":
        return int(node["v"])
    if kind == "float":
        return float(node["v"])
    if kind == "complex":
        return complex(float(node["v"][0]), float(node["v"][1]))
    if kind == "str":
        return str(node["v"])
    if kind == "ndarray":
        return _array(node["dtype"], node["shape"], node["b64"])
    if kind == "ndarray_items":
        items = [decode(x) for x in node["items"]]
        shape = tuple(int(n) for n in node["shape"])
        if node.get("kind") == "U" and all(isinstance(x, str) for x in items):
            return np.array(items, dtype=str).reshape(shape)
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(shape)
    if kind == "npscalar":
        return _array(node["dtype"], [], node["b64"])[()]
    if kind in ("list", "tuple", "set"):
        items = [decode(x) for x in node["items"]]
        return {"list": list, "tuple": tuple, "set": set}[kind](items)
    if kind == "dict":
        return {decode(k): decode(v) for k, v in node["items"]}
    if kind == "opaque":
        return Opaque(
            str(node.get("type", "object")),
            str(node.get("module", "")),
            str(node.get("repr", ""))[:200],
            str(node.get("why", "")),
        )
    raise BadPayload(f"unknown kind {kind!r}")


def _exception(info: dict) -> BaseException:
    """An exception like the one the student's code raised (same name, same builtin base)."""
    base = Exception
    for name in info.get("bases", []):
        candidate = getattr(builtins, str(name), None)
        if isinstance(candidate, type) and issubclass(candidate, Exception):
            base = candidate
            break
    name = str(info.get("type", "Exception"))
    cls = base if base.__name__ == name else type(name, (base,), {})
    return cls(str(info.get("message", "")))


def _replay(payload: dict):
    """check_raises's function, replayed: it raises or returns what the student's did."""
    if "raised" in payload:
        exc = _exception(payload["raised"])

        def replay():
            raise exc
    else:
        value = decode(payload["returned"])

        def replay():
            return value

    return replay


def payloads(outputs) -> tuple[dict[tuple[int, object], dict], list]:
    """Split a cell's outputs into the grader's messages and everything else."""
    found: dict[tuple[int, object], dict] = {}
    duplicated = set()
    rest = []
    for output in outputs:
        data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
        if MIME not in data:
            rest.append(output)
            continue
        try:
            message = json.loads(data[MIME])
            key = (int(message["index"]), message["key"])
        except (ValueError, KeyError, TypeError):
            continue
        if key in found:
            duplicated.add(key)
        found[key] = message
    for key in duplicated:
        found[key] = {"duplicate": True}
    return found, rest


@dataclass
class Failure:
    """Why a grading cell failed, for the error output and the feedback."""

    ename: str
    message: str
    line: int


def _label(step: Step, namespace: dict) -> str:
    for arg in step.args:
        if arg.key == "name" and not arg.from_student:
            try:
                return str(eval(compile(ast.Expression(arg.expr), "<name>", "eval"), namespace))
            except Exception:  # noqa: BLE001 - the label is only decoration
                break
    return "this test"


def _student_value(step: Step, arg, messages: dict, student_error: dict | None, namespace: dict):
    message = messages.get((step.index, arg.key))
    label = _label(step, namespace)
    if message is None:
        if student_error:
            raise _Fail(
                student_error.get("ename", "Error"),
                f"Your code raised {student_error.get('ename')}: "
                f"{student_error.get('evalue', '')}".rstrip(),
            )
        raise _Fail(
            "NoResult",
            f"No result came back from your code for {label}. Did your "
            "code replace part of Python or IPython (display, print, exceptions)?",
        )
    if message.get("duplicate"):
        raise _Fail(
            "NoResult",
            f"Two different results came back for {label}; the grader "
            "cannot tell which one is yours.",
        )
    if "error" in message:
        info = message["error"]
        raise _Fail(
            str(info.get("type", "Error")),
            f"While computing {label}, your code raised {info.get('type')}: "
            f"{info.get('message', '')}".rstrip(),
        )
    try:
        if step.check == "check_raises" and arg.key == 0:
            return _replay(message)
        return decode(message["value"])
    except (BadPayload, KeyError, TypeError, ValueError) as exc:
        raise _Fail("NoResult", f"The result for {label} could not be read back ({exc}).") from None


class _Fail(Exception):
    def __init__(self, ename: str, message: str):
        super().__init__(message)
        self.ename, self.message = ename, message


def whole_numbers_only(check: str, args: list, kwargs: dict) -> bool | None:
    """For a check of a floating-point result: True when every expected value is a whole
    number (such a test cannot tell ``x / y`` from ``x // y``); None for any other check."""
    if check not in ("check_close", "check_equal"):
        return None
    got = args[0] if args else kwargs.get("got")
    expected = args[1] if len(args) > 1 else kwargs.get("expected")
    try:
        if np.asarray(got).dtype.kind != "f":
            return None
        wanted = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if not wanted.size or not np.isfinite(wanted).all():
        return None
    return bool((wanted == np.round(wanted)).all())


def judge(
    plan: Plan,
    messages: dict,
    student_error: dict | None,
    namespace: dict,
    *,
    where: str = "grading cell",
    observe=None,
) -> Failure | None:
    """Run the grader's side of ``plan``; the first failure, or None when all checks pass.

    ``namespace`` holds the setup cell's imports and is used as is (pass a fresh one per
    cell). ``student_error`` is the error the student's side of the cell ended with.
    ``observe(check, args, kwargs)``, if given, sees each check's arguments before it runs.
    """
    from cnn_course_kit.checks import CheckFailure

    for step in plan.steps:
        if not step.trusted:
            continue
        if not step.check:
            try:
                exec(compile(ast.Module([step.stmt], []), f"<{where}>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - the test itself is broken
                return Failure(
                    "GraderError",
                    f"The test itself failed ({type(exc).__name__}: "
                    f"{exc}); your instructor has been told.",
                    step.line,
                )
            continue
        try:
            args, kwargs = [], {}
            for arg in step.args:
                if arg.from_student:
                    value = _student_value(step, arg, messages, student_error, namespace)
                else:
                    value = eval(compile(ast.Expression(arg.expr), f"<{where}>", "eval"), namespace)
                if isinstance(arg.key, int):
                    args.append(value)
                else:
                    kwargs[arg.key] = value
            if observe is not None:
                observe(step.check, args, kwargs)
            namespace[step.check](*args, **kwargs)
        except _Fail as fail:
            return Failure(fail.ename, fail.message, step.line)
        except CheckFailure as exc:
            return Failure("CheckFailure", str(exc), step.line)
        except Exception as exc:  # noqa: BLE001 - e.g. an Opaque value a check cannot use
            return Failure(
                type(exc).__name__,
                f"{_label(step, namespace)} could not be checked: {type(exc).__name__}: {exc}",
                step.line,
            )
    if student_error:
        line = max((s.line for s in plan.steps if s.student), default=1)
        return Failure(
            student_error.get("ename", "Error"),
            f"Your code raised {student_error.get('ename')}: "
            f"{student_error.get('evalue', '')}".rstrip(),
            line,
        )
    return None

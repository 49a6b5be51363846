"""The only grading code that runs inside a student's kernel: it sends values back as data.

This file is not imported there: :mod:`autograde.sealed` compiles it into each grading
cell's program, which reaches the kernel as compiled code, so nothing the student's code
did to modules, builtins or the namespace earlier can stand in for it. Even so nothing here is
trusted: whatever comes back is only data (numbers, arrays as raw bytes, strings,
containers, or a description of any other object), and the grader compares it with the
expected values in its own process. A student who tampers with this function can at
best send the values their code should have computed.

``__course_emit__(index, key, thunk, call)`` evaluates ``thunk()`` (a check's argument),
or with ``call=True`` also calls the result (``check_raises``'s function), and publishes
one display message with the MIME type below and a JSON string.
``__course_mark__(step)`` publishes ``{"mark": step}`` the same way: the grader's program
marks where it starts, each step it begins and where it ends, so the grader can tell a
program that never ran (a kernel whose code execution was tampered with) and which step
was running when the kernel died or ran out of time. Marks are advice: a forged or
missing mark can only cost the student's own points.
"""

MIME = "text/x-course-kit-grading"


def __course_emit__(index, key, thunk, call=False):
    import base64
    import json
    import sys

    max_elements = 2_000_000  # larger arrays come back as a description only
    max_text = 100_000

    def describe(value, why=""):
        try:
            text = repr(value)[:200]
        except Exception:  # noqa: BLE001 - a broken __repr__ is the student's own
            text = "<no repr>"
        return {
            "t": "opaque",
            "type": type(value).__name__,
            "module": getattr(type(value), "__module__", ""),
            "repr": text,
            "why": why,
        }

    def encode(value, depth=0):
        if depth > 20:
            return describe(value, "nested too deeply")
        np = sys.modules.get("numpy")
        if value is None or type(value) is bool:
            return {"t": "json", "v": value}
        if np is not None and isinstance(value, np.ndarray):
            if value.size > max_elements:
                return describe(value, f"an array of shape {value.shape} is too large to grade")
            if value.dtype.kind in "biufc":
                data = np.ascontiguousarray(value).tobytes()
                return {
                    "t": "ndarray",
                    "dtype": value.dtype.str,
                    "shape": list(value.shape),
                    "b64": base64.b64encode(data).decode("ascii"),
                }
            if value.size > 100_000:
                return describe(value, "an object array is too large to grade")
            return {
                "t": "ndarray_items",
                "shape": list(value.shape),
                "kind": value.dtype.kind,
                "items": [encode(x, depth + 1) for x in value.ravel().tolist()],
            }
        if np is not None and isinstance(value, np.generic):
            if value.dtype.kind in "biufc":
                return {
                    "t": "npscalar",
                    "dtype": value.dtype.str,
                    "b64": base64.b64encode(value.tobytes()).decode("ascii"),
                }
            return encode(value.item(), depth + 1)
        module = getattr(type(value), "__module__", "") or ""
        if module.startswith(("tensorflow", "keras", "tf_keras")) and hasattr(value, "numpy"):
            return encode(np.asarray(value.numpy()), depth + 1) if np else describe(value)
        if isinstance(value, bool):
            return {"t": "json", "v": bool(value)}
        if isinstance(value, int):
            return {"t": "int", "v": str(int(value))}
        if isinstance(value, float):
            return {"t": "float", "v": repr(float(value))}
        if isinstance(value, complex):
            return {"t": "complex", "v": [repr(value.real), repr(value.imag)]}
        if isinstance(value, str):
            return {"t": "str", "v": str(value)[:max_text]}
        if isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)
            if len(items) > 100_000:
                return describe(value, "a container is too large to grade")
            kind = (
                "list"
                if isinstance(value, list)
                else "tuple"
                if isinstance(value, tuple)
                else "set"
            )
            return {"t": kind, "items": [encode(x, depth + 1) for x in items]}
        if isinstance(value, dict):
            pairs = list(value.items())
            if len(pairs) > 100_000:
                return describe(value, "a dict is too large to grade")
            return {
                "t": "dict",
                "items": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in pairs],
            }
        return describe(value)

    def raised(exc):
        bases = [
            c.__name__ for c in type(exc).__mro__ if getattr(c, "__module__", "") == "builtins"
        ]
        try:
            message = str(exc)[:2000]
        except Exception:  # noqa: BLE001
            message = "<no message>"
        return {"type": type(exc).__name__, "bases": bases, "message": message}

    try:
        value = thunk()
        if call:
            try:
                returned = value()
            except Exception as exc:  # noqa: BLE001 - the outcome check_raises looks at
                payload = {"raised": raised(exc)}
            else:
                payload = {"returned": encode(returned)}
        else:
            payload = {"value": encode(value)}
    except Exception as exc:  # noqa: BLE001 - KeyboardInterrupt (the cell time limit) passes
        payload = {"error": raised(exc)}
    text = json.dumps(dict(payload, index=index, key=key))
    __import__("IPython").get_ipython().display_pub.publish({MIME: text}, metadata={})


def __course_mark__(step):
    import json

    text = json.dumps({"mark": step})
    __import__("IPython").get_ipython().display_pub.publish({MIME: text}, metadata={})

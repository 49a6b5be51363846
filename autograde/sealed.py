"""A grading cell's student side, sent into the student's kernel as compiled code, not text.

The statements a grading cell runs in the student's kernel (its test inputs and the calls
of the student's functions, :meth:`autograde.split.Plan.student_lines`) include the hidden
tests. Sent as the text of a cell, they could be read back from inside the kernel: IPython
stores every cell it runs in ``linecache`` (so ``inspect.getsource`` on the calling frame
prints it), the kernel holds the execute request while the cell runs, and the frames of
``run_cell`` keep the text in their locals. So the grader compiles the program in its own
process and sends the code object, marshalled: the cell the kernel runs is one line that
loads and runs it, the code's file name is one that no file or ``linecache`` entry has,
and the program runs in a *copy* of the student's namespace, so the test inputs it binds
are gone when it ends.

What a student's function can still see is what every function sees: its own arguments
and the compiled code that called it. What it prints while a cell with hidden tests runs
does not reach the feedback (:mod:`autograde.safe_execute` counts the lines instead).

The program marks where it starts, each step it begins and where it ends
(``__course_mark__`` in :mod:`autograde._emit`): a program whose start mark never came back
never ran (the kernel's code execution was tampered with), and the last step mark says
which student functions were running when the kernel died or ran out of time.
"""

from __future__ import annotations

import ast
import base64
import builtins
import json
import marshal
import sys
from dataclasses import dataclass, field

from . import split
from ._emit import MIME

FILENAME = "<course-kit grader>"  # no file, no linecache entry
MISMATCH = "GraderPythonMismatch"  # the error a kernel of another Python version raises
START, END = "start", "end"
_BUILTINS = frozenset(dir(builtins))


@dataclass
class Program:
    """What the student's kernel runs for one grading cell (or for a liveness check)."""

    cell: str  # the one line the kernel runs: it loads the code and runs it
    # per step mark: the grading cell's line and the student's names that step calls
    steps: list[tuple[int, frozenset[str]]] = field(default_factory=list)

    def names(self, step: object) -> frozenset[str]:
        """The student's names running at ``step`` (a mark); all of them if unknown."""
        if isinstance(step, int) and 0 <= step < len(self.steps):
            return self.steps[step][1]
        return frozenset().union(*(names for _, names in self.steps))


def _cell(module: ast.Module) -> str:
    code = compile(module, FILENAME, "exec")
    data = base64.b64encode(marshal.dumps(code)).decode("ascii")
    tag = sys.implementation.cache_tag
    problem = (
        f"{MISMATCH}: the grading kernel runs another Python than the grader ({tag}); "
        "use the grader's Python in the grader image"
    )
    fallback = repr(f"raise RuntimeError({problem!r})")
    b = '__import__("builtins")'
    return (
        f'{b}.exec(__import__("marshal").loads(__import__("base64").b64decode("{data}")) '
        f'if __import__("sys").implementation.cache_tag == {tag!r} else {fallback}, '
        f"{b}.dict(get_ipython().user_ns))"
    )


def _emitter() -> list[ast.stmt]:
    """The statements of :mod:`autograde._emit`, without its docstring."""
    body = ast.parse(split.emitter_source()).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body


def _mark(step) -> ast.stmt:
    return ast.parse(f"__course_mark__({step!r})").body[0]


def program(plan: split.Plan, trusted: set[str]) -> Program | None:
    """The sealed student side of ``plan`` (None when it needs none); ``trusted`` are the
    names the setup cell imports."""
    lines = plan.student_lines()
    if not lines:
        return None
    body = [*_emitter(), _mark(START)]
    steps = []
    bound: set[str] = set()
    for number, (step, line) in enumerate(lines):
        reads = split._names(line)[0] - bound - trusted - _BUILTINS - {split.EMIT}
        steps.append((step.line, frozenset(reads)))
        body += [_mark(number), *ast.parse(line).body]
        bound |= step.binds
    body.append(_mark(END))
    return Program(_cell(ast.Module(body, [])), steps)


def liveness() -> Program:
    """A program that only marks its start and end: does the kernel still run code?"""
    mark = [s for s in _emitter() if isinstance(s, ast.FunctionDef) and s.name == "__course_mark__"]
    mime = ast.parse(f"MIME = {MIME!r}").body
    return Program(_cell(ast.Module([*mime, *mark, _mark(START), _mark(END)], [])))


def marks(outputs) -> list:
    """The marks among a cell's outputs, in order."""
    found = []
    for output in outputs:
        data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
        if MIME not in data:
            continue
        try:
            message = json.loads(data[MIME])
        except (TypeError, ValueError):
            continue
        if isinstance(message, dict) and set(message) == {"mark"}:
            found.append(message["mark"])
    return found


def is_grader_output(output) -> bool:
    """A mark or a value the grader's program sent (not the student's own output)."""
    data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
    return MIME in data

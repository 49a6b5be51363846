"""Split a grading cell into what the student's kernel computes and what the grader judges.

nbgrader runs a grading cell in the student's kernel, where the student's code has run
first and could have replaced anything: ``check_close``, ``cnn_course_kit.checks``, ``numpy``,
``builtins``, the display of errors. A grading cell is therefore never run there as
written. :func:`plan` reads it statement by statement and follows the data:

* a value is *from the student* when it depends on a name the cell does not define and
  the notebook's setup cell does not import (``make_bar``, ``AREA_ROLES``), directly or
  through another value from the student; a statement that calls the student's code also
  makes from the student whatever it hands over (a list a test callback appends to);
* each top-level ``check_*(...)`` call is split by argument: an argument from the student
  (usually the first, "got") is computed in the student's kernel and sent back as data
  (:mod:`autograde._emit`); every other argument, the expected values, names and hints,
  and the check itself are evaluated by the grader, in its own process
  (:mod:`autograde.verdict`);
* any other statement runs where its results are needed: test inputs go to the student's
  kernel (and to the grader too if an expected value uses them), while the answer key and
  the expected values never enter the student's kernel.

Some cells cannot be split safely and are refused with :class:`GradingCellError`, so an
instructor learns it from ``make test``, not from a cheated grade: a check that is not a
top-level statement (inside ``if``/``for``/a function), ``check_true`` on a condition
from the student (the student's kernel would decide the verdict: compare the value with
``check_equal`` instead), a cell that rebinds a ``check_*`` name, IPython magics.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass, field
from pathlib import Path

from . import nbmeta

CHECK_PREFIX = "check_"
EMIT = "__course_emit__"
_BUILTINS = frozenset(dir(builtins))


class GradingCellError(ValueError):
    """A grading cell that the grader cannot split safely (an authoring error)."""


@dataclass
class Arg:
    """One argument of a check: a position (int) or a keyword (str)."""

    key: int | str
    expr: ast.expr
    from_student: bool


@dataclass
class Step:
    """One top-level statement of the cell, and where it runs."""

    stmt: ast.stmt
    student: bool = False  # runs in the student's kernel
    trusted: bool = False  # runs in the grader's process
    check: str | None = None  # the check's name when the statement is a check call
    args: list[Arg] = field(default_factory=list)
    index: int = -1  # the check's number within the cell
    binds: set[str] = field(default_factory=set)  # names it binds or changes in place
    reads: set[str] = field(default_factory=set)  # names it reads (its own loop variables not)

    @property
    def line(self) -> int:
        return self.stmt.lineno


@dataclass
class Plan:
    """A grading cell, split."""

    source: str
    steps: list[Step]

    @property
    def checks(self) -> list[Step]:
        return [s for s in self.steps if s.check]

    def student_lines(self) -> list[tuple[Step, str]]:
        """The statements the student's kernel runs, in order, each with its step: a test
        input, or an ``__course_emit__`` call that sends one value of a check back."""
        lines = []
        for step in self.steps:
            if not step.student:
                continue
            if not step.check:
                lines.append((step, ast.unparse(step.stmt)))
                continue
            for arg in step.args:
                if arg.from_student:
                    call = step.check == "check_raises" and arg.key == 0
                    lines.append(
                        (
                            step,
                            f"{EMIT}({step.index}, {arg.key!r}, lambda: ({ast.unparse(arg.expr)}),"
                            f" call={call})",
                        )
                    )
        return lines

    def student_program(self) -> str:
        """The code sent to the student's kernel ('' when it needs none), as text: what
        :mod:`autograde.sealed` compiles (the grader never sends it as text)."""
        lines = [line for _, line in self.student_lines()]
        if not lines:
            return ""
        return emitter_source() + "\n" + "\n".join(lines) + "\npass\n"


def emitter_source() -> str:
    """The source of :mod:`autograde._emit` (sent into the student's kernel)."""
    return (Path(__file__).with_name("_emit.py")).read_text()


def _names(code: str) -> tuple[set[str], set[str]]:
    """(names read, names bound) at the top level of ``code``, nested scopes included."""
    table = symtable.symtable(code, "<grading cell>", "exec")
    reads, binds = set(), set()
    for sym in table.get_symbols():
        if sym.is_referenced():
            reads.add(sym.get_name())
        if sym.is_assigned() or sym.is_imported() or sym.is_namespace():
            binds.add(sym.get_name())

    def nested(t):
        for child in t.get_children():
            for sym in child.get_symbols():
                if sym.is_global() or (sym.is_free() and sym.get_name() in binds):
                    reads.add(sym.get_name())
            nested(child)

    nested(table)
    return reads, binds


def _expr_reads(expr: ast.expr) -> set[str]:
    return _names(ast.unparse(expr))[0]


def _mutated(stmt: ast.stmt) -> set[str]:
    """Names a statement changes in place: ``x[0] = 1``, ``x.a += 1``, ``del x[0]``."""
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, ast.Delete):
        targets = list(stmt.targets)
    out = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, (ast.Subscript, ast.Attribute)):
                base = node
                while isinstance(base, (ast.Subscript, ast.Attribute)):
                    base = base.value
                if isinstance(base, ast.Name):
                    out.add(base.id)
    return out


def _own_targets(stmt: ast.stmt) -> set[str]:
    """Names a statement binds before it reads them: a ``for`` loop's variables, ``with
    ... as`` names. Reading them inside the statement is reading the cell's own value."""
    targets: list[ast.expr] = []
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        targets.append(stmt.target)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets += [item.optional_vars for item in stmt.items if item.optional_vars]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _updated(stmt: ast.stmt) -> set[str]:
    """Names an augmented assignment anywhere in ``stmt`` reads as well as binds
    (``x += 1`` in a loop body); ``symtable`` reports them as bound only."""
    return {
        n.target.id
        for n in ast.walk(stmt)
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
    }


def _check_name(stmt: ast.stmt) -> str | None:
    if (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id.startswith(CHECK_PREFIX)
    ):
        return stmt.value.func.id
    return None


def _nested_checks(stmt: ast.stmt) -> bool:
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id.startswith(CHECK_PREFIX)
        for n in ast.walk(stmt)
    )


def plan(source: str, trusted_names: set[str], *, where: str = "a grading cell") -> Plan:
    """Split ``source``; ``trusted_names`` are the names the setup cell imports.

    Two passes over the cell's top-level statements. Forward (:func:`_forward`): which
    statements compute something from the student's code (they read a name the cell did not
    bind and the setup cell did not import, or a value already marked as the student's).
    Backward (:func:`_assign_sides`): every statement runs on each side that needs what it
    binds, and each check argument that comes from the student is computed in the student's
    kernel and sent back. With ``check_close`` and ``np`` imported by the setup cell::

        x = np.arange(3)          # both sides: the student's call and the expected value use x
        want = 2 * x              # the grader only
        got = double(x)           # the student's kernel only (double is the student's)
        check_close(got, want)    # the grader; `got` is sent from the student's kernel

    Swap the middle lines and ``want`` comes from the student's kernel as well: once ``x``
    was handed to ``double``, which may change it in place, nothing computed from it later
    is the grader's (grading cells compute expected values before calling student code).

    Raises :class:`GradingCellError` for a cell that cannot be split safely (a check inside a
    block, a rebound check, a check_true whose condition the student's code decides).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise GradingCellError(
            f"{where} is not plain Python (line {exc.lineno}: {exc.msg}); "
            "grading cells cannot use IPython magics."
        ) from None
    steps = _forward(tree.body, trusted_names, where)
    _assign_sides(steps)
    return Plan(source, steps)


@dataclass
class _Taint:
    """What the forward pass knows after each statement."""

    trusted_names: set[str]
    defined: set[str] = field(default_factory=set)  # bound so far by the cell itself
    tainted: set[str] = field(default_factory=set)  # of those, the student's values
    reach: dict[str, set[str]] = field(default_factory=dict)  # name -> the names it refers to

    def from_student(self, reads: set[str]) -> bool:
        outside = reads - self.defined - self.trusted_names - _BUILTINS
        return bool(outside or reads & self.tainted)

    def record(self, step: Step) -> None:
        """Update after a statement ran on the side ``step`` says."""
        if step.student:
            # The student's code may change whatever this statement hands it, and whatever
            # the functions it hands over refer to (a list a test callback appends to).
            handed, todo = set(), list(step.reads & self.defined)
            while todo:
                name = todo.pop()
                if name not in handed:
                    handed.add(name)
                    todo += self.reach.get(name, set()) - handed
            self.tainted |= step.binds | handed
        else:
            self.tainted -= step.binds - _mutated(step.stmt)
        for name in step.binds:
            self.reach[name] = step.reads & (self.defined | step.binds)
        self.defined |= step.binds


def _forward(body: list[ast.stmt], trusted_names: set[str], where: str) -> list[Step]:
    """The steps of ``body``, each statement marked ``student`` if its value is theirs."""
    taint = _Taint(trusted_names)
    steps: list[Step] = []
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring
        check = _check_name(stmt)
        if check:
            steps.append(
                _check_step(stmt, check, taint, where, index=sum(1 for s in steps if s.check))
            )
            continue
        step = _statement_step(stmt, taint, where)
        taint.record(step)
        steps.append(step)
    return steps


def _check_step(stmt: ast.stmt, check: str, taint: _Taint, where: str, index: int) -> Step:
    """A top-level ``check_*(...)`` call, with each argument marked for its side."""
    if check not in taint.trusted_names or check in taint.defined:
        raise GradingCellError(
            f"{where}, line {stmt.lineno}: {check} must be the one imported by the setup cell."
        )
    call = stmt.value
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise GradingCellError(
            f"{where}, line {stmt.lineno}: write the arguments of "
            f"{check} out (no *args or **kwargs)."
        )
    args = [Arg(i, a, taint.from_student(_expr_reads(a))) for i, a in enumerate(call.args)]
    args += [Arg(k.arg, k.value, taint.from_student(_expr_reads(k.value))) for k in call.keywords]
    if check == "check_true" and args and args[0].from_student:
        raise GradingCellError(
            f"{where}, line {stmt.lineno}: check_true's condition depends on the "
            "student's code, so the student's kernel would decide the verdict. Pass the "
            "value itself to check_equal/check_close/check_in_range instead."
        )
    return Step(stmt, check=check, args=args, index=index)


def _statement_step(stmt: ast.stmt, taint: _Taint, where: str) -> Step:
    """Any other top-level statement, with what it binds and reads."""
    if _nested_checks(stmt):
        raise GradingCellError(
            f"{where}, line {stmt.lineno}: a check inside a block "
            "cannot be split; make every check a top-level statement."
        )
    reads, binds = _names(ast.unparse(stmt))
    binds |= _mutated(stmt)
    reads = (reads | _updated(stmt)) - (_own_targets(stmt) - taint.defined)
    if binds & {n for n in taint.trusted_names if n.startswith(CHECK_PREFIX)}:
        raise GradingCellError(f"{where}, line {stmt.lineno}: do not rebind a check.")
    return Step(stmt, student=taint.from_student(reads), binds=binds, reads=reads)


def _assign_sides(steps: list[Step]) -> None:
    """Backwards: a statement runs on each side that needs something it binds (a statement
    that binds nothing, a print say, runs on both)."""
    need_student: set[str] = set()
    need_trusted: set[str] = set()
    for step in reversed(steps):
        if step.check:
            step.trusted = True
            need_trusted.add(step.check)
            for arg in step.args:
                reads = _expr_reads(arg.expr)
                if arg.from_student:
                    step.student = True
                    need_student |= reads
                else:
                    need_trusted |= reads
            continue
        binds, reads = step.binds, step.reads
        if not step.student:
            step.student = bool(binds & need_student) or not binds
            step.trusted = bool(binds & need_trusted) or not binds
        if step.student:
            need_student = (need_student - (binds - reads)) | reads
        if step.trusted:
            need_trusted = (need_trusted - (binds - reads)) | reads


def setup_imports(nb) -> list[ast.stmt]:
    """The import statements of the notebook's setup cell (``grade_id`` 'setup')."""
    for cell in nb.cells:
        if cell.cell_type == "code" and nbmeta.grade_id(cell) == "setup":
            tree = ast.parse(cell.source)
            return [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return []


def imported_names(imports: list[ast.stmt]) -> set[str]:
    """The names ``imports`` bind (``import a.b`` binds ``a``)."""
    names = set()
    for stmt in imports:
        for alias in stmt.names:
            names.add(alias.asname or alias.name.split(".")[0])
    return names


__all__ = [
    "GradingCellError",
    "Plan",
    "Step",
    "Arg",
    "plan",
    "setup_imports",
    "imported_names",
    "emitter_source",
]

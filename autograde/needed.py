"""Which cells of a notebook the graded cells need: the rest is teaching (plots, demos).

Used by the grader (:class:`autograde.safe_execute.SafeExecute` runs only what the tests
need) and by the wrong-answer round trips (:func:`autograde.roundtrip.graded_cells_only`).
A code cell is needed when it carries nbgrader metadata (the setup cell, answers, tests),
or when it binds a name that a needed cell reads (a kernel the exercise is given, say),
transitively: :func:`names` is a generous estimate of what a cell binds and reads.
"""

from __future__ import annotations

import ast
import symtable


def names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds in the kernel's namespace, global names it reads before binding
    them itself or from inside its functions): a generous estimate, from ``symtable``."""
    try:
        table = symtable.symtable(source, "<cell>", "exec")
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    bound = {
        s.get_name()
        for s in table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    }
    read = set()

    def walk(t):
        for sym in t.get_symbols():
            if (sym.is_global() or sym.is_declared_global()) and sym.is_referenced():
                read.add(sym.get_name())
        for child in t.get_children():
            walk(child)

    for child in table.get_children():
        walk(child)
    # top level, statement by statement: a name read before the cell itself binds it
    scopes = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Lambda,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
    )

    comprehensions = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def top_level(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, comprehensions):
                # its first iterable runs in the enclosing scope: [f(b) for b in (g, h)] reads g, h
                first = child.generators[0].iter
                yield first
                yield from top_level(first)
            elif not isinstance(child, scopes):
                yield child
                yield from top_level(child)

    def run_by_definition(stmt):
        # what a def or class statement evaluates when it runs: decorators, defaults, bases
        parts = list(stmt.decorator_list)
        if isinstance(stmt, ast.ClassDef):
            parts += [*stmt.bases, *(keyword.value for keyword in stmt.keywords)]
        else:
            parts += [*stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d is not None)]
        for part in parts:
            yield part
            yield from top_level(part)

    stored: set[str] = set()
    for stmt in tree.body:
        inside = (
            [*run_by_definition(stmt)] if isinstance(stmt, scopes[:3]) else [stmt, *top_level(stmt)]
        )
        names = [n for n in inside if isinstance(n, ast.Name)]
        read |= {n.id for n in names if isinstance(n.ctx, ast.Load)} - stored
        stored |= {n.id for n in names if isinstance(n.ctx, ast.Store)}
        if isinstance(stmt, scopes[:3]):
            stored.add(stmt.name)
    return bound, read


def needed(nb, *, keep_unparsed: bool = False) -> list[bool]:
    """Per cell of ``nb``: does grading need it? Markdown cells are kept; a code cell that is
    not plain Python (an IPython magic) is kept only with ``keep_unparsed``, as nobody can
    tell what it binds."""

    def by_nbgrader(cell):
        return cell.cell_type != "code" or bool(cell.metadata.get("nbgrader"))

    def parses(source):
        try:
            ast.parse(source)
        except SyntaxError:
            return False
        return True

    keep = [by_nbgrader(c) or (keep_unparsed and not parses(c.source)) for c in nb.cells]
    wanted: set[str] = set()
    for cell, kept in zip(nb.cells, keep):
        if kept and cell.cell_type == "code":
            wanted |= names(cell.source)[1]
    changed = True
    while changed:
        changed = False
        for i, cell in enumerate(nb.cells):
            if not keep[i]:
                bound, read = names(cell.source)
                if bound & wanted:
                    keep[i], changed = True, True
                    wanted |= read
    return keep

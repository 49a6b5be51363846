"""nbgrader's Validate button with the teaching message first (a Jupyter server extension).

For every failing test cell, nbgrader's Validate dialog draws two boxes under "The following
cell failed:": the cell's whole source, then the error. The lab extension builds that
dialog itself from the JSON the server returns (``source``, then ``error``); the
``Validator`` settings ``failed_warning``, ``width`` and ``indent`` only shape the text of
the command line's ``nbgrader validate``, so no configuration can change the order.

This extension serves nbgrader's two Validate URLs with the same code, except that each
failed cell's entry is rewritten: the first box holds the failure's message (for
:mod:`cnn_course_kit.checks`: what was tried, expected, got, and the hint), the second the
traceback (without the message again) and then the test cell. Cells that failed without
an error (partial credit, no answer) keep nbgrader's wording.

The kit's Jupyter configuration (``utils/jupyter/student``, ``utils/jupyter/instructor``)
enables it in place of ``nbgrader.server_extensions.validate_assignment``; the two must not
both be on, since the first one loaded answers the URL.
"""

from __future__ import annotations

import textwrap
import traceback
from pathlib import Path

from jupyter_server.utils import url_path_join
from nbconvert.filters import ansi2html, strip_ansi
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
from nbgrader.server_extensions.validate_assignment import handlers as nbgrader_handlers
from nbgrader.validator import Validator
from tornado import web


def failure_message(cell) -> str | None:
    """``"<error name>: <message>"`` of the first error a code cell raised, else None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", ""), output.get("evalue", "")
            return strip_ansi(f"{ename}: {evalue}" if evalue.strip() else ename).strip()
    return None


def wrap(message: str, width: int) -> str:
    """``message`` with each line longer than ``width`` wrapped (the dialog's first box is a
    ``<pre>``, which would hide the end of a long hint), continuations indented."""
    lines = []
    for line in message.splitlines():
        if len(line) <= width:
            lines.append(line)
            continue
        indent = len(line) - len(line.lstrip()) + (6 if line.lstrip().startswith("Hint: ") else 2)
        lines += textwrap.wrap(
            line,
            width,
            subsequent_indent=" " * indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(lines)


def failure_details(cell, message: str) -> str:
    """The cell's tracebacks (lines that only repeat ``message`` left out) and stderr."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            parts += [
                line
                for line in output.get("traceback", [])
                if strip_ansi(line).strip().rstrip(":") != message
            ]
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            parts.append(output.get("text", ""))
    return "\n".join(parts).strip("\n")


class MessageFirstValidator(Validator):
    """nbgrader's Validator; each failed cell's ``source`` is its message (see module),
    wrapped at ``Validator.width`` characters."""

    _executed = None

    def _preprocess(self, nb):
        self._executed = super()._preprocess(nb)
        return self._executed

    def validate(self, filename: str) -> dict:
        self._executed = None
        results = super().validate(filename)
        if not results.get("failed") or self._executed is None:
            return results
        # nbgrader lists the failed cells in this same order (Validator.validate).
        for entry, cell in zip(results["failed"], self._get_failed_cells(self._executed)):
            message = failure_message(cell)
            if message is None:
                continue
            details = failure_details(cell, message)
            rest = f"{details}\n\nThe test cell:\n{entry['source']}".lstrip("\n")
            entry.update(
                source=wrap(message, self.width),
                error=ansi2html(rest),
                raw_error=f"{message}\n\n{rest}",
            )
        return results


class ValidateHandler(nbgrader_handlers.ValidateAssignmentHandler):
    """nbgrader's handler of ``/assignments/validate``, with :class:`MessageFirstValidator`."""

    def validate_notebook(self, path):
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            results = MessageFirstValidator(config=self.load_config()).validate(str(target))
        except (SchemaTooOldError, SchemaTooNewError):
            # nbgrader's own advice for these; they stop it before any cell runs.
            return super().validate_notebook(path)
        except Exception:  # noqa: BLE001 - shown in the dialog, as nbgrader does
            self.log.error(traceback.format_exc())
            return {"success": False, "value": traceback.format_exc()}
        return {"success": True, "value": results}


HANDLERS = [
    (
        pattern,
        ValidateHandler if handler is nbgrader_handlers.ValidateAssignmentHandler else handler,
    )
    for pattern, handler in nbgrader_handlers.default_handlers
]


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    webapp = serverapp.web_app
    webapp.settings["root_dir"] = serverapp.root_dir
    base_url = webapp.settings["base_url"]
    webapp.add_handlers(
        ".*$", [(url_path_join(base_url, pattern), handler) for pattern, handler in HANDLERS]
    )
    serverapp.log.info(
        "cnn_course_kit.jupyter.validate: nbgrader's Validate, teaching message first"
    )

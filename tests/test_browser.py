"""The course in a real browser, as a student and an instructor use it.

JupyterLab is started exactly as `make lab` / `make formgrader` start it; Playwright drives
Debian's Chromium. Screenshots of every step land in ``artifacts/browser/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.browser import browser_page
from tests.lab_server import make_server

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if list(p.glob("*.ipynb")))

pytestmark = pytest.mark.slow

# The notebook panel on screen (a reset workspace opens exactly one).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# True once "Run All" has finished: the kernel is idle, no cell is queued or running, and at
# least one cell ran (a cell that raised stops the run, leaving later cells unnumbered).
RUN_FINISHED = """(panel) => {
  const el = document.querySelector(panel);
  if (!el) return false;
  const prompts = [...el.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .map(e => e.textContent.trim());
  const idle = el.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  return Boolean(idle) && !prompts.some(t => t.includes('*'))
      && prompts.some(t => /^\\[\\d+\\]:$/.test(t));
}"""


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """`make lab` on a fresh workspace, plus a solved copy of every notebook in it."""
    tmp = tmp_path_factory.mktemp("student-lab")
    workspace = tmp / "workspace"
    with make_server("lab", tmp / "lab.log", WORKSPACE=str(workspace)) as lab:
        for name in ASSIGNMENTS:
            shutil.copy(ROOT / "solutions" / name / f"{name}.ipynb",
                        workspace / name / f"solved-{name}.ipynb")
        lab.workspace = workspace
        yield lab


def _open(page, lab, path: str) -> None:
    """Open one notebook in a reset JupyterLab and wait for its kernel."""
    page.goto(lab.url(f"lab/tree/{path}?reset"))
    page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000)
    _accept_kernel_dialog(page, wait_ms=3_000)


def _accept_kernel_dialog(page, wait_ms: int) -> bool:
    """If JupyterLab asks which kernel to use (it does when the first kernel of a fresh
    environment is slow to start), choose the default Python 3 kernel, as a student would."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(timeout=wait_ms)
    except Exception:  # Playwright's TimeoutError: no dialog, nothing to do
        return False
    dialog.get_by_role("button", name="Select").click()
    page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000)
    return True


def _run_all(page) -> list[str]:
    """Run > Run All Cells; wait until it finishes; return the code cells' prompts."""
    for _attempt in range(2):  # again if the click only brought up the kernel question
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        if not _accept_kernel_dialog(page, wait_ms=2_000):
            break
    page.wait_for_function(RUN_FINISHED, arg=PANEL, timeout=240_000)
    return page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").all_text_contents()


def _save_and_read(page, lab, path: str):
    """Save the notebook from the browser and read back what was written to disk."""
    page.locator(f"{PANEL} .jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.title.startsWith('*') && "
                           "!document.querySelector('.jp-mod-dirty')", timeout=30_000)
    return nbformat.reads(json.dumps(json.loads(lab.get(f"api/contents/{path}"))["content"]),
                          as_version=4)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solved_notebook_runs_in_jupyterlab(student_lab, name):
    """Run All in JupyterLab: every cell runs, none errs, figures and widgets render."""
    path = f"{name}/solved-{name}.ipynb"
    source = (ROOT / "solutions" / name / f"{name}.ipynb").read_text()
    with browser_page(f"run-{name}") as rec:
        page = rec.page
        with rec.step("open the notebook"):
            _open(page, student_lab, path)
        with rec.step("run all cells"):
            prompts = _run_all(page)
            not_run = [i for i, p in enumerate(prompts) if not p.strip("[]: ").isdigit()]
            assert not not_run, f"code cells {not_run} did not run (prompts {prompts})"
            errors = page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Traceback")
            assert errors.count() == 0, errors.first.inner_text()[:2000]
        with rec.step("saved outputs have no error"):
            nb = _save_and_read(page, student_lab, path)
            failed = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells)
                      if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
            assert not failed, f"cells raised: {failed}"
            images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
                         if "image/png" in o.get("data", {}))
            assert images >= 1, "no matplotlib figure was displayed"
        with rec.step("figures are on the page"):
            figures = page.locator(f"{PANEL} .jp-OutputArea-output img")
            assert figures.count() >= 1
            figures.first.scroll_into_view_if_needed()
        if "widgets.explorer(" in source:
            _check_slider_redraws(rec)


def _check_slider_redraws(rec) -> None:
    page = rec.page
    with rec.step("widget renders"):
        broken = page.locator(PANEL, has_text="Error displaying widget")
        assert broken.count() == 0, "a widget shows 'Error displaying widget'"
        missing = page.locator(PANEL, has_text="model not found")
        assert missing.count() == 0, "a widget shows 'model not found'"
        slider = page.locator(f"{PANEL} .widget-slider").first
        slider.scroll_into_view_if_needed()
        area = page.locator(f"{PANEL} .jp-OutputArea-output",
                            has=page.locator(".widget-slider")).first
        before = area.locator(".widget-output img").first.get_attribute("src")
        assert before, "the explorer shows no figure under its sliders"
    with rec.step("moving the slider redraws the figure"):
        handle = slider.locator("[role=slider]")
        start = handle.get_attribute("aria-valuenow")
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => { const i = el.querySelector('.widget-output img');"
            " return i && i.src !== old; }", arg=[area.element_handle(), before], timeout=30_000)
        assert handle.get_attribute("aria-valuenow") != start


@pytest.mark.parametrize("name", ASSIGNMENTS[:1])
def test_validate_as_a_student(student_lab, name):
    """nbgrader's Validate button: a solved copy passes, the untouched notebook fails and the
    dialog lists the failing exercises."""
    released = nbformat.read(ROOT / "course" / name / f"{name}.ipynb", as_version=4)
    graded = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade")]
    with browser_page(f"validate-{name}") as rec:
        page = rec.page
        with rec.step("validate the solved copy"):
            _open(page, student_lab, f"{name}/solved-{name}.ipynb")
            dialog = _validate(page)
            assert "Success! Your notebook passes all the tests." in dialog.inner_text()
            dialog.get_by_role("button", name="Ok").click()
        with rec.step("validate the untouched notebook"):
            _open(page, student_lab, f"{name}/{name}.ipynb")
            dialog = _validate(page)
            text = dialog.inner_text()
            assert "validation-failed" in dialog.locator("#validation-message").get_attribute("class")
            failures = text.count("The following cell failed")
            assert failures == len(graded), (
                f"Validate listed {failures} failing cells, the notebook has {len(graded)} "
                f"graded cells:\n{text[:3000]}")
            assert "NotImplementedError" in text


def _validate(page):
    page.locator(PANEL).get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    return dialog


def test_formgrader_lists_the_assignments(tmp_path):
    """`make formgrader`: the instructor's formgrader page lists every assignment."""
    with make_server("formgrader", tmp_path / "formgrader.log") as lab, \
            browser_page("formgrader") as rec:
        page = rec.page
        with rec.step("open the formgrader"):
            page.goto(lab.url("formgrader"))
            page.get_by_role("heading", name="Manage Assignments").wait_for()
            for name in ASSIGNMENTS:
                page.get_by_role("link", name=name, exact=True).wait_for()
            # Each row's "edit" link opens the source notebook in this JupyterLab.
            edit = "a[href*='/tree/'][href*='solutions/']"
            page.wait_for_function(f"n => document.querySelectorAll(\"{edit}\").length >= n",
                                   arg=len(ASSIGNMENTS))
            links = page.locator(edit).evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert sorted({h.rsplit("/", 1)[-1] for h in links}) == ASSIGNMENTS, links

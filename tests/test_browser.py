"""The course in a real browser, as a student and an instructor use it.

JupyterLab is started exactly as `make lab` / `make formgrader` start it; Playwright drives
Debian's Chromium. Screenshots of every step land in ``artifacts/browser/``.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograde.course import Course
from tests.browser import browser_page
from tests.lab_server import make_server
from tests.wrong_answers import WRONG_ANSWERS

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = Course().assignments()

pytestmark = [pytest.mark.slow, pytest.mark.browser]

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
            shutil.copy(
                ROOT / "solutions" / name / f"{name}.ipynb",
                workspace / name / f"solved-{name}.ipynb",
            )
        lab.workspace = workspace
        yield lab


def _open(page, lab, path: str) -> None:
    """Open one notebook in a reset JupyterLab and wait for its kernel."""
    page.goto(lab.url(f"lab/tree/{path}?reset"))
    page.wait_for_selector(
        f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
    )
    _accept_kernel_dialog(page, wait_ms=3_000)


def _accept_kernel_dialog(page, wait_ms: int) -> bool:
    """If JupyterLab asks which kernel to use (it does when the first kernel of a fresh
    environment is slow to start), choose the default Python 3 kernel, as a student would."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(timeout=wait_ms)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: no dialog, nothing to do
        return False
    dialog.get_by_role("button", name="Select").click()
    page.wait_for_selector(
        f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
    )
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
    page.wait_for_function(
        "() => !document.title.startsWith('*') && !document.querySelector('.jp-mod-dirty')",
        timeout=30_000,
    )
    return nbformat.reads(
        json.dumps(json.loads(lab.get(f"api/contents/{path}"))["content"]), as_version=4
    )


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
            failed = [
                (i, o.get("ename"), o.get("evalue"))
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                for o in c.outputs
                if o.output_type == "error"
            ]
            assert not failed, f"cells raised: {failed}"
            images = sum(
                1
                for c in nb.cells
                if c.cell_type == "code"
                for o in c.outputs
                if "image/png" in o.get("data", {})
            )
            assert images >= 1, "no matplotlib figure was displayed"
        with rec.step("no cell wrote to stderr"):
            # Library start-up notices and warnings land in stderr (a red box in the lab);
            # a solved notebook shows none, from the setup cell's banner to the end.
            stderr = [
                (i, o.text)
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                for o in c.outputs
                if o.output_type == "stream" and o.name == "stderr"
            ]
            boxes = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.stderr']")
            if stderr and boxes.count():
                boxes.first.scroll_into_view_if_needed()
            assert not stderr, "cells wrote to stderr:\n" + "\n".join(
                f"cell {i}: {text[:800]}" for i, text in stderr
            )
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
        area = page.locator(
            f"{PANEL} .jp-OutputArea-output", has=page.locator(".widget-slider")
        ).first
        before = area.locator(".widget-output img").first.get_attribute("src")
        assert before, "the explorer shows no figure under its sliders"
    with rec.step("moving the slider redraws the figure"):
        handle = slider.locator("[role=slider]")
        start = handle.get_attribute("aria-valuenow")
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => { const i = el.querySelector('.widget-output img');"
            " return i && i.src !== old; }",
            arg=[area.element_handle(), before],
            timeout=30_000,
        )
        assert handle.get_attribute("aria-valuenow") != start


@pytest.mark.parametrize("name", ASSIGNMENTS[:1])
def test_validate_as_a_student(student_lab, name):
    """nbgrader's Validate button: a solved copy passes, the untouched notebook fails and the
    dialog lists the failing exercises; one mistake fails one exercise, and the dialog shows
    its teaching message before the test cell."""
    released = nbformat.read(ROOT / "course" / name / f"{name}.ipynb", as_version=4)
    graded = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade")]
    with browser_page(f"validate-{name}") as rec:
        page = rec.page
        with rec.step("validate the solved copy"):
            _open(page, student_lab, f"{name}/solved-{name}.ipynb")
            dialog = _validate(page)
            assert "Success! Your notebook passes all the tests." in dialog.inner_text()
        with rec.step("validate the untouched notebook"):
            dialog.get_by_role("button", name="Ok").click()  # after the screenshot of it
            _open(page, student_lab, f"{name}/{name}.ipynb")
            dialog = _validate(page)
            text = dialog.inner_text()
            assert "validation-failed" in dialog.locator("#validation-message").get_attribute(
                "class"
            )
            failures = text.count("The following cell failed")
            assert failures == len(graded), (
                f"Validate listed {failures} failing cells, the notebook has {len(graded)} "
                f"graded cells:\n{text[:3000]}"
            )
            assert "NotImplementedError" in text
        case = next(c for c in WRONG_ANSWERS[name] if len(c["loses"]) == 1)
        (test_id,) = case["loses"]
        test_cell = next(
            c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id") == test_id
        )
        wrong = f"{name}/wrong-{name}.ipynb"
        nbformat.write(_solved_but(released, name, case), student_lab.workspace / wrong)
        with rec.step(f"validate with one mistake ({case['name']})"):
            dialog.get_by_role("button", name="Ok").click()
            _open(page, student_lab, wrong)
            dialog = _validate(page)
            text = dialog.inner_text()
            assert text.count("The following cell failed") == 1, text[:3000]
            # The first box under "The following cell failed:" is the teaching message of
            # cnn_course_kit.checks; the test cell's source comes after it.
            first_box = dialog.locator("#validation-message pre").first.inner_text()
            assert first_box.startswith("CheckFailure: "), first_box
            assert "expected:" in first_box or "Hint:" in first_box, first_box
            docstring = test_cell.source.splitlines()[0]
            assert text.index(first_box.splitlines()[0]) < text.index(docstring), text[:3000]
            assert "utils/checks.py" not in text, text[:3000]
        with rec.step("the notebook's own traceback starts with the same message"):
            dialog.get_by_role("button", name="Ok").click()
            _run_all(page)
            error = page.locator(
                f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                has_text="CheckFailure",
            )
            assert error.count() == 1, error.count()
            error.scroll_into_view_if_needed()
            shown = error.text_content()  # not inner_text: off-screen cells are not laid out
            assert shown.startswith(first_box.splitlines()[0]), shown[:2000]
            assert "utils/checks.py" not in shown, shown[:2000]


def _solved_but(released, name: str, case: dict):
    """The released notebook with every answer filled in from solutions/ (as a student
    who solved it has it) and one mistake: ``case`` from tests/wrong_answers/."""
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):  # code answers and written ones
            cell.source = answers[meta["grade_id"]]
            if meta["grade_id"] == case["cell"]:
                assert case["find"] in cell.source, case
                cell.source = cell.source.replace(case["find"], case["replace"])
    return nb


def _validate(page):
    page.locator(PANEL).get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    return dialog


# The lab plugins and menu entries of nbgrader's instructor tools (nbgrader 0.9).
CREATE_ASSIGNMENT_TAB = "[data-id^='nbgrader-create']"
INSTRUCTOR_ITEMS = {"Formgrader", "Formgrader (local)", "Course List", "Create assignment"}


def _menu_items(page, menu: str) -> list[str]:
    """Open a menu of the menu bar (left open for the step's screenshot; Escape closes it)
    and return the labels of its visible entries."""
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.locator(".lm-Menu .lm-Menu-item").first.wait_for()
    labels = page.locator(".lm-Menu .lm-Menu-item:visible .lm-Menu-itemLabel").all_inner_texts()
    return [label.strip() for label in labels]


def _palette_items(page, query: str) -> list[str]:
    """The command palette's entries for ``query`` (left open, like :func:`_menu_items`)."""
    page.keyboard.press("Control+Shift+C")
    box = page.locator(".lm-CommandPalette-input")
    box.wait_for()
    box.fill(query)
    # The palette re-renders its list on Lumino's next update, an animation frame after the
    # input event: two frames later the list is this query's.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    items = page.locator(".lm-CommandPalette-item:visible .lm-CommandPalette-itemLabel")
    return [t.strip() for t in items.all_inner_texts()]


def test_student_lab_shows_student_tools_only(student_lab):
    """`make lab`: nbgrader's Assignments and Validate; no Create Assignment panel, no
    Formgrader or Course List anywhere (menus, command palette, launcher, URL)."""
    name = ASSIGNMENTS[0]
    with browser_page("student-tools") as rec:
        page = rec.page
        with rec.step("launcher has no instructor tool"):
            page.goto(student_lab.url("lab?reset"))
            launcher = page.locator(".jp-Launcher")
            launcher.wait_for()
            text = launcher.inner_text()
            assert not any(item in text for item in INSTRUCTOR_ITEMS), text
        with rec.step("notebook has Validate and no Create Assignment panel"):
            _open(page, student_lab, f"{name}/{name}.ipynb")
            page.locator(PANEL).get_by_role("button", name="Validate").wait_for()
            assert page.locator(CREATE_ASSIGNMENT_TAB).count() == 0
            assert page.get_by_text("Create Assignment", exact=True).count() == 0
        with rec.step("Nbgrader menu: Assignment List only"):
            items = _menu_items(page, "Nbgrader")
            assert "Assignment List" in items, items
            assert not INSTRUCTOR_ITEMS & set(items), items
        with rec.step("command palette has no instructor tool"):
            page.keyboard.press("Escape")
            items = _palette_items(page, "nbgrader")
            assert "Assignment List" in items, items
            assert not INSTRUCTOR_ITEMS & set(items), items
        with rec.step("Assignments opens"):
            page.keyboard.press("Escape")
            page.locator(".lm-MenuBar-item", has_text="Nbgrader").first.click()
            page.locator(".lm-Menu-item:visible", has_text="Assignment List").click()
            page.locator(".lm-TabBar-tab:visible", has_text="Assignments").wait_for()
        with rec.step("the formgrader URL is not served"):
            reply = page.goto(student_lab.url("formgrader"))
            assert reply.status == 404, reply.status


def test_formgrader_lists_the_assignments(tmp_path):
    """`make formgrader`: the instructor's formgrader page lists every assignment, and its
    JupyterLab has nbgrader's instructor tools (Create Assignment, Formgrader, Course List)."""
    with (
        make_server("formgrader", tmp_path / "formgrader.log") as lab,
        browser_page("formgrader") as rec,
    ):
        page = rec.page
        with rec.step("open the formgrader"):
            page.goto(lab.url("formgrader"))
            page.get_by_role("heading", name="Manage Assignments").wait_for()
            for name in ASSIGNMENTS:
                page.get_by_role("link", name=name, exact=True).wait_for()
            # Each row's "edit" link opens the source notebook in this JupyterLab.
            edit = "a[href*='/tree/'][href*='solutions/']"
            page.wait_for_function(
                f'n => document.querySelectorAll("{edit}").length >= n', arg=len(ASSIGNMENTS)
            )
            links = page.locator(edit).evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert sorted({h.rsplit("/", 1)[-1] for h in links}) == ASSIGNMENTS, links
        with rec.step("JupyterLab has the instructor tools"):
            page.goto(lab.url("lab?reset"))
            page.locator(".jp-Launcher").wait_for()
            page.locator(CREATE_ASSIGNMENT_TAB).first.wait_for()
            items = _menu_items(page, "Nbgrader")
            assert {"Assignment List", "Course List", "Formgrader"} <= set(items), items
        with rec.step("command palette has the instructor tools"):
            page.keyboard.press("Escape")
            items = _palette_items(page, "nbgrader")
            assert {"Course List", "Formgrader"} <= set(items), items

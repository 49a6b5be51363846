"""A class on the course's JupyterHub, end to end in Chromium: real Linux accounts from a
roster, the hub's login page, nbgrader's Assignments tab, the exchange, the sandboxed
grader writing to PostgreSQL, feedback fetched by each student, and the doors that must
stay shut (the formgrader and other students' servers and files)."""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograde import scratch
from autograde.course import Course
from autograde.hub import deploy
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, VIEWPORT, Recorder, chromium_executable
from tests.hub_server import course_hub

ROOT = Path(__file__).resolve().parents[1]
A = "01-visual-cortex"
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.sandbox]

ROSTER = [
    ("1001", "Ada Lovelace", "ada.lovelace@uni.example", "Instructor"),
    ("1002", "Alice Able", "alice@uni.example", "Student"),
    ("1003", "Bob Baker", "bob@uni.example", "Student"),
]


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.fail("the hub test creates Linux accounts: run make test as root (CI does)")
    with course_hub(ROSTER) as running:
        yield running


def _instructor(hub, *args: str) -> str:
    """An instructor command on the hub, as the README gives it (run as root)."""
    layout = hub.layout
    env = dict(
        os.environ,
        COURSE_PROFILE="smoke",
        COURSE_OFFLINE="1",
        **deploy.environment(layout, hub.gradebook),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "autograde", "--root", str(layout.course_root), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, f"{args}: {proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True)


class Student:
    """One person's browser (a context of its own: its own cookies) on the hub."""

    def __init__(self, browser, hub, user: str):
        self.hub, self.user = hub, user
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.rec = Recorder(
            self.page, ARTIFACTS / "hub" / user.removeprefix(hub.layout.user_prefix)
        )

    def log_in(self) -> None:
        page = self.page
        page.goto(self.hub.url("hub/login"))
        page.fill("#username_input", self.user)
        page.fill("#password_input", self.hub.passwords[self.user])
        page.click("#login_submit")
        page.wait_for_url(re.compile(rf".*/user/{self.user}/lab.*"), timeout=180_000)
        page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)

    def assignments(self):
        page = self.page
        page.locator("#jp-menu-panel div.lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator('li[data-command="nbgrader:open-assignment-list"]').click()
        page.locator("#released_assignments_list").wait_for()
        return page

    def rows(self, which: str, count: int):
        page = self.page
        rows = page.locator(f"#{which}_assignments_list > .list_item")
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length === n",
            arg=[f"#{which}_assignments_list > .list_item", count],
            timeout=90_000,
        )
        return rows

    def home(self) -> Path:
        return Path(pwd.getpwnam(self.user).pw_dir)


def _write_as(user: str, path: Path, nb) -> None:
    entry = pwd.getpwnam(user)
    nbformat.write(nb, path)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def test_a_class_on_the_hub(hub):
    from playwright.sync_api import sync_playwright

    layout = hub.layout
    (teacher,) = hub.users("instructor")
    alice, bob = hub.users("student")
    course_id = layout.course_id

    # the instructor releases 01 to the exchange
    said = _instructor(hub, "release", A, "--no-timing", "--publish")
    assert "published" in said, said

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        try:
            a, b = Student(browser, hub, alice), Student(browser, hub, bob)
            with a.rec.step("log in through the hub"):
                a.log_in()
                # the course's notebooks are in the student's own workspace
                assert (a.home() / "workspace" / A / f"{A}.ipynb").is_file()
            with a.rec.step("the Assignments tab lists 01"):
                a.assignments()
                rows = a.rows("released", 1)
                assert A in rows.first.inner_text()
            with a.rec.step("fetch 01"):
                rows.first.locator(".item_status button").click()
                a.rows("fetched", 1)
                fetched = a.home() / "workspace" / course_id / A / f"{A}.ipynb"
                found = [str(p) for p in sorted(a.home().rglob("*.ipynb")) if "visual" in str(p)]
                Path("/tmp/hub-found.txt").write_text("\n".join(found))
                assert fetched.is_file(), (fetched, found)
            # Alice solves it: the solved notebook written into her workspace, then opened
            # and saved from the browser
            course = Course(layout.course_root)
            _write_as(alice, fetched, scratch.solved(course, A))
            with a.rec.step("open the solved notebook and save it"):
                a.page.goto(hub.url(f"user/{alice}/lab/tree/{course_id}/{A}/{A}.ipynb"))
                a.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
                a.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").click(
                    position={"x": 5, "y": 5}
                )
                a.page.keyboard.press("Control+s")
                a.page.wait_for_function("() => !document.title.startsWith('*')")
            with a.rec.step("validate 01 from the Assignments tab"):
                # in the kit's environment for everybody, in Alice's own kernel
                a.assignments()
                a.rows("fetched", 1)
                a.page.locator("#fetched_assignments_list a.assignment-notebooks-link").click()
                notebook_row = a.page.locator(f"#nbgrader-{course_id}-{A}.collapse.in .list_item")
                notebook_row = notebook_row.last
                notebook_row.locator('.item_status button:text("Validate")').click()
                dialog = a.page.locator(".jp-Dialog")
                dialog.wait_for(timeout=120_000)
                assert "Success! Your notebook passes all the tests." in dialog.inner_text()
            with a.rec.step("submit 01"):
                dialog.get_by_role("button").last.click()
                a.rows("fetched", 1).first.locator('.item_status button:text("Submit")').click()
                a.rows("submitted", 1)

            with b.rec.step("log in, fetch and submit 01 unsolved"):
                b.log_in()
                b.assignments()
                b.rows("released", 1).first.locator(".item_status button").click()
                b.rows("fetched", 1).first.locator('.item_status button:text("Submit")').click()
                b.rows("submitted", 1)

            # doors that stay shut, for a student
            with a.rec.step("the formgrader refuses a student"):
                response = a.page.goto(hub.url(f"services/{course_id}/formgrader"))
                assert response.status == 403, (response.status, a.page.content()[:2000])
            with a.rec.step("another student's server refuses her"):
                response = a.page.goto(hub.url(f"user/{bob}/lab"))
                assert response.status == 403 or f"/user/{alice}/" in a.page.url, (
                    response.status,
                    a.page.url,
                )
                assert "Bob" not in a.page.content()
            inbound = layout.exchange / course_id / "inbound"
            listing = _as(alice, "ls", str(inbound))
            assert listing.returncode != 0, f"a student can list the hand-ins: {listing.stdout}"
            assert _as(alice, "ls", str(b.home())).returncode != 0
            assert (
                _as(
                    alice, "cat", str(layout.course_root / "solutions" / A / f"{A}.ipynb")
                ).returncode
                != 0
            )

            # the instructor: collect, grade (sandboxed, into PostgreSQL), feedback
            said = _instructor(hub, "collect", A)
            said = _instructor(hub, "grade", A, "--workers", "2")
            assert "graded 2" in said, said
            said = _instructor(hub, "feedback", A)
            assert "released the feedback" in said, said
            # each page lies in the exchange under a name made from its student's secret
            feedback = layout.exchange / course_id / "feedback"
            assert len(list(feedback.glob("*.html"))) == 2
            assert _as(bob, "ls", str(feedback)).returncode != 0, "a student can list the feedback"
            from nbgrader.api import Gradebook

            os.environ["PATH"] = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
            with Gradebook(hub.gradebook) as gb:
                scores = {s: gb.find_submission(A, s).score for s in (alice, bob)}
                full = gb.find_assignment(A).max_code_score
                total = gb.find_assignment(A).max_score  # the written answer's points too
            assert scores[alice] == full > 0 and scores[bob] == 0, scores

            t = Student(browser, hub, teacher)
            with t.rec.step("the instructor opens the formgrader"):
                t.log_in()
                t.page.goto(hub.url(f"services/{course_id}/formgrader"))
                t.page.get_by_text(A).first.wait_for(timeout=120_000)

            for who, score in ((a, full), (b, 0)):
                with who.rec.step("fetch the feedback"):
                    who.page.goto(hub.url(f"user/{who.user}/lab"))
                    who.page.wait_for_selector("#jp-main-dock-panel")
                    who.assignments()
                    who.rows("submitted", 1).first.locator(
                        '.item_status button:text("Fetch Feedback")'
                    ).click()
                    pages = []
                    for _ in range(60):
                        pages = list(
                            (who.home() / "workspace" / course_id / A / "feedback").glob("*/*.html")
                        )
                        if pages:
                            break
                        who.page.wait_for_timeout(1000)
                    assert pages, "no feedback arrived"
                with who.rec.step("the feedback shows their own score"):
                    rel = pages[0].relative_to(who.home() / "workspace")
                    who.page.goto(hub.url(f"user/{who.user}/files/{rel}"))
                    text = who.page.inner_text("body")
                    assert f"{A} (Score: {score:.1f} / {total:.1f})" in text, text[:2000]
                    other = bob if who is a else alice
                    assert other not in pages[0].read_text()
        finally:
            browser.close()

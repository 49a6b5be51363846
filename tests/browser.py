"""Drive Debian's Chromium with Playwright, and record what the browser showed.

Playwright's own browser download is not used (it needs the internet): the tests run the
system Chromium (`make browser-deps` installs it; ``CHROMIUM=/path`` picks another one).
Every step saves a screenshot under ``artifacts/browser/<test>/`` (git-ignored); a failing
step saves one too and names it in the failure message.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's own sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}


def chromium_executable() -> str:
    """The Chromium to drive: ``$CHROMIUM``, else the first of chromium, chromium-browser,
    google-chrome on PATH. Raises with the install command when there is none."""
    wanted = os.environ.get("CHROMIUM", "").strip()
    if wanted:
        if not os.access(wanted, os.X_OK):
            raise RuntimeError(f"CHROMIUM={wanted} is not an executable file.")
        return wanted
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "The browser tests need Chromium: `make browser-deps` installs Debian's "
        "package (apt-get install chromium), or set CHROMIUM=/path/to/chrome."
    )


class Recorder:
    """Numbered screenshots of one test's steps: ``with rec.step("validate solved"): ...``."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, name: str) -> Path:
        """Save a screenshot of the page now; return its path."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        self.page.screenshot(path=str(path))
        return path

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Run a step; screenshot after it, or on failure and name the file in the error."""
        try:
            yield
        except Exception as err:
            try:
                path = self.shot(f"{name} FAILED")
            except Exception as shot_err:  # noqa: BLE001 - the page itself may be gone
                path = f"(no screenshot: {shot_err})"
            raise AssertionError(
                f"browser step {name!r} failed; screenshot: {path}\n{err}"
            ) from err
        self.shot(name)


@contextlib.contextmanager
def browser_page(test_name: str) -> Iterator[Recorder]:
    """A fresh Chromium page (1400x900) with a :class:`Recorder` for ``test_name``."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            yield Recorder(page, ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name))
        finally:
            browser.close()

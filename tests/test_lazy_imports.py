"""The kit's start-up hook keeps rfc3987_syntax (jsonschema's IRI checker: ~35 Earley parsers
built on import) out of every process that only reads notebooks, and IRI checks still work."""

from __future__ import annotations

import subprocess
import sys

from cnn_course_kit import lazy_imports

HELPERS = "rfc3987_syntax.syntax_helpers"


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_reading_notebooks_does_not_build_the_iri_parsers():
    out = _python(
        "import sys, nbformat, nbformat.validator, jsonschema._format\n"
        f"print({HELPERS!r} in sys.modules)"
    )
    assert out == "False"


def test_iri_formats_are_still_checked():
    out = _python(
        "import sys, jsonschema\n"
        "v = jsonschema.Draft202012Validator({'format': 'iri'}, "
        "format_checker=jsonschema.FormatChecker())\n"
        "print(v.is_valid('https://example.org/katze/ä'), v.is_valid('no spaces allowed'), "
        f"{HELPERS!r} in sys.modules)\n"
        "from rfc3987_syntax import RFC3987_SYNTAX_TERMS, syntax_parser\n"
        "print(len(RFC3987_SYNTAX_TERMS) > 10, type(syntax_parser).__name__)"
    )
    assert out.splitlines() == ["True False True", "True Lark"]


def test_the_finder_answers_for_that_package_only():
    finder = lazy_imports._Finder()
    assert finder.find_spec("jsonschema") is None
    spec = finder.find_spec(lazy_imports.NAME)
    assert spec is not None and spec.submodule_search_locations
    lazy_imports.install()
    lazy_imports.install()
    assert sum(isinstance(f, lazy_imports._Finder) for f in sys.meta_path) == 1

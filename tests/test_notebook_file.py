"""Reading submitted notebook files in every shape they arrive in (quick: no kernel).

The scores these files earn when graded are checked in tests/test_collect_cycle.py.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from autograde import notebook_file


def _notebook(source="x = 1") -> dict:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    return json.loads(nbformat.writes(nb))


def _read(raw: bytes):
    return notebook_file.parse(raw, "01-x.ipynb")


def test_a_plain_notebook_needs_no_fixes():
    got = _read(json.dumps(_notebook()).encode())
    assert got.problem is None and got.fixes == [] and got.notebook.cells[0].source == "x = 1"


@pytest.mark.parametrize(
    "encode,fix",
    [
        (lambda t: b"\xef\xbb\xbf" + t.encode(), None),  # UTF-8 with a byte-order mark
        (lambda t: t.encode("utf-16"), "saved as UTF-16"),
        (lambda t: t.encode("utf-16-le"), "saved as UTF-16"),
        (lambda t: t.encode("utf-32"), "saved as UTF-32"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16-le-no-bom", "utf32"],
)
def test_other_unicode_encodings_are_read(encode, fix):
    got = _read(encode(json.dumps(_notebook("s = 'Zoë 李雷'"), ensure_ascii=False)))
    assert got.problem is None and got.notebook.cells[0].source == "s = 'Zoë 李雷'"
    assert (fix is None and got.fixes == []) or fix in " ".join(got.fixes)


def test_format_3_is_upgraded():
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": "x = 1", "outputs": [], "metadata": {}}]}
        ],
    }
    got = _read(json.dumps(v3).encode())
    assert got.notebook.nbformat == 4 and got.notebook.cells[0].source == "x = 1"
    assert "format 3" in " ".join(got.fixes)


def test_missing_metadata_is_filled_in():
    data = _notebook()
    del data["metadata"]
    del data["cells"][0]["metadata"]
    got = _read(json.dumps(data).encode())
    assert got.problem is None and got.notebook.cells[0].metadata == {}
    assert "metadata was missing" in " ".join(
        got.fixes
    ) and "1 cell(s) had no metadata" in " ".join(got.fixes)


@pytest.mark.parametrize(
    "source,text", [(42, "42"), (None, ""), ([1, "+1"], "1+1"), (True, "True")]
)
def test_a_source_that_is_not_text_is_read_as_text(source, text):
    data = _notebook()
    data["cells"][0]["source"] = source
    data["cells"].append(7)  # not a cell at all
    got = _read(json.dumps(data).encode())
    assert got.notebook.cells[0].source == text and len(got.notebook.cells) == 1
    assert "were not cells" in " ".join(got.fixes)
    nbformat.validate(got.notebook)


@pytest.mark.parametrize(
    "raw,says",
    [
        (b"", "is empty (0 bytes)"),
        (b"  \n ", "only blank space"),
        (b"%PDF-1.7 ...", "is a PDF document"),
        (b"PK\x03\x04....", "is a zip archive"),
        (b"\x89PNG\r\n", "is a PNG image"),
        (b"<!DOCTYPE html><html>", "is an HTML page"),
        (b"\x00\x81\xfe\x99\x10", "binary data, not text"),
        (b'{"cells": [{"cell_type": "code", "sou', "cut off while uploading"),
        (b"{ not json at all }", "not valid notebook JSON (line 1"),
        (b'{"a": 1}', "JSON but not a Jupyter notebook"),
    ],
)
def test_what_cannot_be_read_is_named_precisely(raw, says):
    got = _read(raw)
    assert got.notebook is None and says in got.problem, got.problem


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "01-x.ipynb"
    with big.open("wb") as f:
        f.truncate(3 * 2**20)  # sparse: 3 MB on paper, nothing on disk
    monkeypatch.setattr(type(big), "read_bytes", lambda self: pytest.fail("read the big file"))
    got = notebook_file.read(big, max_bytes=2**20)
    assert got.notebook is None and "3.0 MB, over the limit of 1 MB" in got.problem


def test_a_link_is_not_followed(tmp_path):
    target = tmp_path / "real.ipynb"
    target.write_text(json.dumps(_notebook()))
    (tmp_path / "01-x.ipynb").symlink_to(target)
    got = notebook_file.read(tmp_path / "01-x.ipynb")
    assert got.notebook is None and "symbolic link" in got.problem


def test_pieces_of_a_source_that_are_not_text_are_noted():
    data = _notebook()
    data["cells"][0]["source"] = ["a = ", None, "1"]
    got = _read(json.dumps(data).encode())
    assert got.notebook.cells[0].source == "a = 1" and "pieces that were not text" in got.fixes[0]


def test_duplicate_cell_ids_are_renamed_from_the_second_on(recwarn):
    data = _notebook()
    data["cells"].append(dict(data["cells"][0], source="copy"))
    got = _read(json.dumps(data).encode())
    first, second = got.notebook.cells
    assert first.id == data["cells"][0]["id"] and second.id != first.id
    assert "had the id of an earlier cell" in " ".join(got.fixes)
    assert not [w for w in recwarn if "DuplicateCellId" in str(w.category)]

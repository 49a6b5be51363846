"""Accounts from a roster (make hub-users) and the hub's layout file: the quick parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograde.hub import Layout, accounts
from autograde.students import Roster, _role


def _roster(tmp_path: Path, text: str) -> Roster:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return Roster.read(path)


@pytest.mark.parametrize(
    "text, role",
    [
        ("Student", "student"),
        ("", "student"),
        ("Instructor", "instructor"),
        ("editingteacher", "instructor"),  # Moodle
        ("TeacherEnrollment", "instructor"),  # Canvas
        ("TaEnrollment", "ta"),  # Canvas
        ("Teaching Assistant", "ta"),
        ("TA", "ta"),
        ("Grader", "ta"),
        ("StudentEnrollment", "student"),
        ("Data science student", "student"),  # "ta" inside a word is not a TA
    ],
)
def test_lms_role_names(text, role):
    assert _role(text) == role


def test_account_names_are_valid_linux_names_and_never_shared(tmp_path):
    roster = _roster(
        tmp_path,
        "id,name,email,role\n"
        "1,Zoë Müller,zoe.mueller@uni.example,Student\n"
        "2,Zoe Mueller,zoe.mueller@other.example,Student\n"
        "3,Ada Lovelace,ada@uni.example,Instructor\n"
        "4,9 Lives,9lives@uni.example,\n"
        "5,Rob'; DROP TABLE,rob';drop@uni.example,TA\n"
        "6,No Email,,Student\n"
        f"7,Very Long,{'x' * 60}@uni.example,Student\n",
    )
    planned = accounts.plan(roster, prefix="c1")
    names = [a.user for a in planned]
    assert len(set(names)) == len(names), names
    for name in names:
        assert len(name) <= 32 and name[0].isalpha(), name
        assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-"), name
    by_id = {a.person.lms_id: a for a in planned}
    assert by_id["1"].user == "c1zoe_mueller" and by_id["2"].user.startswith("c1zoe_mueller-")
    assert by_id["3"].role == "instructor" and by_id["5"].role == "ta"
    assert by_id["4"].user == "c1lives" and by_id["6"].user == "c1noemail"


def test_creating_accounts_needs_root(tmp_path, monkeypatch):
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 1000)
    with pytest.raises(PermissionError, match="sudo make hub-users"):
        accounts.create([], passwords=tmp_path / "p.csv")


def test_the_layout_survives_its_file(tmp_path):
    layout = Layout(state=tmp_path / "state", port=8123, course_id="cnn101")
    again = Layout.load(layout.save())
    assert again == layout
    assert again.grader == "grader-cnn101" and again.formgrade_group == "formgrade-cnn101"
    assert again.exchange == tmp_path / "state" / "exchange"
    assert again.people() == {"student": [], "instructor": [], "ta": []}

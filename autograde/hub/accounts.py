"""Linux accounts for a class, from the LMS's roster (``make hub-users FILE=roster.csv``).

The hub logs people in with their Linux account (JupyterHub's PAM authenticator), so each
student's server and kernels run as that student, and the file system keeps students out
of each other's work. :func:`plan` turns a roster (the CSV that ``make collect ROSTER=``
reads too: an id, a name and an email column, and an optional role column) into account
names: the email's local part, made a valid Linux user name (lower case, ``[a-z0-9_-]``,
at most 32 characters, starting with a letter), with the LMS id added when two would
clash. :func:`create` makes the accounts that do not exist yet (home folder mode 0700,
a random first password), and writes the names and passwords to a CSV readable by root
only, for the instructor to hand out; an account that exists is left as it is.
"""

from __future__ import annotations

import csv
import os
import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..students import Person, Roster

MAX_NAME = 32


@dataclass(frozen=True)
class Account:
    """One person's account on the hub."""

    user: str
    person: Person

    @property
    def role(self) -> str:
        """``student``, ``instructor`` or ``ta``, from the roster."""
        return self.person.role


def user_name(text: str, prefix: str = "") -> str:
    """A valid Linux user name made of ``text`` (an email's local part, or a name)."""
    base = re.sub(r"[^a-z0-9_-]+", "", text.split("@")[0].casefold().replace(".", "_"))
    base = base.lstrip("-_0123456789") or "user"
    return (prefix + base)[:MAX_NAME].rstrip("-_")


def plan(roster: Roster, prefix: str = "") -> list[Account]:
    """An account name for every person on ``roster``, each name given once."""
    accounts: list[Account] = []
    taken: set[str] = set()
    for person in sorted(roster.people.values(), key=lambda p: p.lms_id):
        name = user_name(person.email or person.name, prefix)
        if name in taken:
            tail = "-" + re.sub(r"[^a-z0-9]", "", person.lms_id.casefold())[-8:]
            name = name[: MAX_NAME - len(tail)] + tail
        taken.add(name)
        accounts.append(Account(name, person))
    return accounts


def exists(user: str) -> bool:
    """Whether the Linux account ``user`` exists."""
    import pwd

    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def create(
    accounts: list[Account], *, home_root: Path = Path("/home"), passwords: Path
) -> list[str]:
    """Create the accounts that do not exist yet; return their names. Their first
    passwords are appended to ``passwords`` (a CSV, mode 0600)."""
    if os.geteuid() != 0:
        raise PermissionError("creating accounts needs root: run sudo make hub-users ...")
    made = []
    new_rows = []
    for account in accounts:
        if exists(account.user):
            continue
        home = home_root / account.user
        comment = re.sub(r"[:,\n]", " ", account.person.name)[:60]
        subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
             "--comment", comment, "--user-group", account.user],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        os.chmod(home, 0o700)
        password = secrets.token_urlsafe(9)
        subprocess.run(
            ["chpasswd"], input=f"{account.user}:{password}\n", check=True, text=True,
            capture_output=True,
        )  # fmt: skip
        new_rows.append([account.user, password, account.role, account.person.name])
        made.append(account.user)
    if new_rows:
        passwords.parent.mkdir(parents=True, exist_ok=True)
        fresh = not passwords.exists()
        fd = os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "w", newline="") as out:
            writer = csv.writer(out)
            if fresh:
                writer.writerow(["user", "first password", "role", "name"])
            writer.writerows(new_rows)
        os.chmod(passwords, 0o600)
    return made


def remove(users: list[str]) -> None:
    """Delete accounts and their home folders (the tests' clean-up)."""
    for user in users:
        if exists(user):
            subprocess.run(["userdel", "--remove", "--force", user], capture_output=True)

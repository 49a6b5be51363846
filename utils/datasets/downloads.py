"""Downloading single files into the cache: streamed, size- and sha256-checked, atomic.

:func:`download` is the public entry point; :func:`_download` is what :func:`~.cache.prepare`
uses. With ``COURSE_OFFLINE=1`` no network access is attempted; every failure raises
:class:`~.sources.DatasetError`.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path

from ..config import settings
from .sources import DEFAULT_TIMEOUT, SOURCES, USER_AGENT, _fail


def download(
    name_or_url: str,
    dest_dir: str | os.PathLike,
    *,
    sha256: str | None = None,
    expected_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    filename: str | None = None,
) -> Path:
    """Download a registry entry (``"filtered"``, ``"petimages"``) or a URL into ``dest_dir``.

    The file is streamed into a temporary ``.part`` file next to its destination, its size and
    sha256 are checked when known (for registry entries they come from :data:`SOURCES`
    unless given here), a ``.zip`` is checked for integrity, and only then is it renamed
    into place, so the cache never holds a half-written file. An existing file that passes
    the same checks is reused without any network access. With ``COURSE_OFFLINE=1`` nothing
    is downloaded. Every failure raises :class:`DatasetError`. Returns the file's path.
    """
    if name_or_url in SOURCES:
        src = SOURCES[name_or_url]
        url, filename = src.url, filename or src.filename
        sha256 = sha256 or src.sha256
        expected_size = expected_size if expected_size is not None else src.size
    else:
        url = name_or_url
        filename = filename or Path(urllib.parse.urlsplit(url).path).name
        if not filename:
            raise ValueError(f"cannot tell a file name from {url!r}; pass filename=...")
    path, _ = _download(
        url, Path(dest_dir) / filename, sha256=sha256, expected_size=expected_size, timeout=timeout
    )
    return path


def _download(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    expected_size: int | None,
    timeout: float = DEFAULT_TIMEOUT,
    hash_origin: str = "expected",
) -> tuple[Path, str]:
    """Make sure a verified copy of ``url`` is at ``dest``; return it and its sha256."""
    is_zip = dest.suffix.lower() == ".zip"
    if dest.exists():
        digest = _sha256_of(dest)
        problem = _verify(
            dest, dest.stat().st_size, digest, sha256, expected_size, hash_origin, is_zip=is_zip
        )
        if problem is None:
            return dest, digest
        if settings().offline:
            raise _fail(
                f"The cached file {dest} {problem}, and COURSE_OFFLINE=1 forbids "
                f"downloading it again from {url}.",
                dest,
            )
        rejected = _set_aside(dest)
        print(
            f"[data] the cached file {dest.name} {problem}; moved it to {rejected.name} "
            f"and downloading it again."
        )
    if settings().offline:
        raise _fail(
            f"{dest.name} is not in the cache ({dest}) and COURSE_OFFLINE=1 forbids "
            f"downloading it from {url}.",
            dest,
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size = _stream(url, out, dest, timeout)
        problem = _verify(tmp, size, digest, sha256, expected_size, hash_origin, is_zip=is_zip)
        if problem is not None:
            raise _fail(
                f"The file downloaded from {url} {problem}; nothing was kept in the "
                f"cache (the download may have been corrupted or the file changed "
                f"upstream).",
                dest,
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest, digest


def _stream(url: str, out, dest: Path, timeout: float) -> tuple[str, int]:
    """Copy ``url`` into the open file ``out``; return its sha256 and size in bytes."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    digest, size, total = hashlib.sha256(), 0, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            print(f"[data] downloading {url}" + (f" ({total / 1e6:.1f} MB)" if total else ""))
            next_report = 0.1
            while chunk := response.read(1 << 20):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if total and total > 5_000_000 and size / total >= next_report:
                    print(f"[data]   {size / total:4.0%} of {total / 1e6:.1f} MB")
                    next_report += 0.1
    except urllib.error.HTTPError as err:
        raise _fail(f"The server answered HTTP {err.code} ({err.reason}) for {url}.", dest) from err
    except (OSError, http.client.HTTPException) as err:
        reason = getattr(err, "reason", None) or f"{type(err).__name__}: {err}"
        raise _fail(
            f"Could not download {url}: {reason}. There may be no network, a "
            f"firewall or proxy in the way, or the server may be down.",
            dest,
        ) from err
    if total is not None and size != total:
        raise _fail(
            f"The download of {url} stopped early: {size:,} of {total:,} bytes "
            f"arrived; nothing was kept in the cache.",
            dest,
        )
    return digest.hexdigest(), size


def _verify(
    path: Path,
    size: int,
    digest: str,
    sha256: str | None,
    expected_size: int | None,
    hash_origin: str,
    *,
    is_zip: bool,
) -> str | None:
    """Why the file at ``path`` is unacceptable (completing '<file> ...'), or None if fine."""
    if expected_size is not None and size != expected_size:
        return f"has {size:,} bytes instead of the expected {expected_size:,} (size mismatch)"
    if sha256 is not None and digest != sha256.lower():
        return f"has sha256 {digest}, not the {hash_origin} {sha256.lower()} (checksum mismatch)"
    if is_zip:
        return _zip_problem(path)
    return None


def _zip_problem(path: Path) -> str | None:
    """Why ``path`` is not a sound zip archive, or None (every member's CRC is checked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        return f"is not a readable zip archive (truncated or corrupt: {err})"
    if bad is not None:
        return f"is a corrupt zip archive (member {bad!r} fails its CRC check)"
    return None


def _sha256_of(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _set_aside(path: Path) -> Path:
    """Rename a rejected cache file to ``<name>.rejected`` (replacing an older one)."""
    rejected = path.with_name(path.name + ".rejected")
    os.replace(path, rejected)
    return rejected

"""Downloads through the ordinary package clients (apt, pip) into the corpus cache, never by URL.

Each archive is fetched once into ``cache_dir("corpora", "downloads")``; a reader who cannot run
apt or pip may drop the file there by hand and it is used as is.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ..core.paths import cache_dir
from ..core.cache import build_lock


class FetchError(RuntimeError):
    """A package could not be fetched; the message says what to do instead."""


def downloads_dir() -> Path:
    return cache_dir("corpora", "downloads")


def _fetched(pattern: str) -> Path | None:
    found = sorted(downloads_dir().glob(pattern))
    return found[-1] if found else None


def _move_into_downloads(tmp: Path, pattern: str) -> Path:
    files = sorted(tmp.glob(pattern))
    if not files:
        raise FetchError(f"the package client ran but left no file matching {pattern!r} in {tmp}")
    target = downloads_dir() / files[-1].name
    shutil.move(str(files[-1]), target.with_suffix(target.suffix + ".part"))
    target.with_suffix(target.suffix + ".part").replace(target)  # atomic: no half file under the real name
    return target


def debian_package(name: str) -> Path:
    """The ``.deb`` of Debian package ``name``, fetched with ``apt-get download`` on first use."""
    if hit := _fetched(f"{name}_*.deb"):
        return hit
    if shutil.which("apt-get") is None:
        raise FetchError(
            f"The Debian package {name!r} is needed, but apt-get is not available (not Debian/Ubuntu). "
            f"Download {name}_*.deb on a Debian machine (`apt-get download {name}`) and put it in "
            f"{downloads_dir()}."
        )
    with build_lock(downloads_dir() / name), tempfile.TemporaryDirectory(dir=downloads_dir()) as tmp:
        if hit := _fetched(f"{name}_*.deb"):  # fetched by another process while this one waited
            return hit
        run = subprocess.run(["apt-get", "download", name], cwd=tmp, capture_output=True, text=True)
        if run.returncode != 0:
            raise FetchError(
                f"`apt-get download {name}` failed:\n{run.stderr.strip()}\n"
                "If the package is unknown, refresh the package lists first (`sudo apt-get update`); "
                f"or put {name}_*.deb in {downloads_dir()} by hand."
            )
        return _move_into_downloads(Path(tmp), f"{name}_*.deb")


def pypi_archive(name: str, version: str) -> Path:
    """The wheel or sdist of ``name==version``, fetched with ``pip download --no-deps`` (not installed)."""
    stem = name.replace("-", "_")
    patterns = (f"{name}-{version}*", f"{stem}-{version}*")
    if hit := next(filter(None, map(_fetched, patterns)), None):
        return hit
    with build_lock(downloads_dir() / name), tempfile.TemporaryDirectory(dir=downloads_dir()) as tmp:
        if hit := next(filter(None, map(_fetched, patterns)), None):  # fetched by another process meanwhile
            return hit
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, f"{name}=={version}"]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            raise FetchError(
                f"`pip download --no-deps {name}=={version}` failed (PyPI must be reachable):\n"
                f"{run.stderr.strip()[-2000:]}\nOr put the archive in {downloads_dir()} by hand."
            )
        return _move_into_downloads(Path(tmp), "*")


def _deb_data_member(deb: Path) -> tuple[str, bytes]:
    """The ``data.tar.*`` member of a .deb, which is a plain ``ar`` archive."""
    blob = deb.read_bytes()
    if not blob.startswith(b"!<arch>\n"):
        raise FetchError(f"{deb} is not a Debian package (no ar header); delete it and run again.")
    pos = 8
    while pos + 60 <= len(blob):
        header = blob[pos:pos + 60]
        member = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        if member.startswith("data.tar"):
            return member, blob[pos + 60:pos + 60 + size]
        pos += 60 + size + (size % 2)
    raise FetchError(f"{deb} has no data.tar member; delete it and run again.")


def unpack_deb(deb: Path) -> Path:
    """Unpack a .deb's files (like ``dpkg-deb -x``) into the cache, once; returns the folder."""
    target = cache_dir("corpora", "debs") / deb.stem
    if (target / ".complete").exists():
        return target
    with build_lock(target):  # two chapters started at once unpack it once
        if not (target / ".complete").exists():
            _unpack_into(deb, target)
    return target


def _unpack_into(deb: Path, target: Path) -> None:
    member, data = _deb_data_member(deb)
    tmp = tempfile.mkdtemp(dir=target.parent, prefix=".unpack-")
    try:
        if member.endswith((".xz", ".gz", ".bz2", ".tar")):
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(tmp, filter="data")
        elif shutil.which("dpkg-deb"):  # e.g. zstd, which tarfile cannot read before Python 3.14
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        else:
            raise FetchError(f"{deb} uses {member}, which needs dpkg-deb to unpack (apt install dpkg).")
        (Path(tmp) / ".complete").touch()
        shutil.rmtree(target, ignore_errors=True)
        try:
            Path(tmp).rename(target)
        except OSError:
            if not (target / ".complete").exists():  # else another process unpacked it meanwhile
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

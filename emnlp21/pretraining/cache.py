"""Checkpoint cache entries: a folder per configuration key with a manifest of SHA-256 checksums.

An entry is written into a temporary sibling folder and renamed into place, so a reader sees either
nothing or a complete entry; the manifest (written last) lists every file's checksum, so a
truncated or altered file is detected and the entry is rebuilt instead of loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..core.paths import cache_dir

MANIFEST = "manifest.json"
STALE_SECONDS = 24 * 3600  # a temporary entry untouched this long belongs to a run that died


def entry_dir(key: str) -> Path:
    return cache_dir("pretraining") / key


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_valid(folder: Path) -> bool:
    """True when the manifest exists and every file it lists is present with its checksum."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        return bool(manifest) and all(sha256_file(folder / name) == digest for name, digest in manifest.items())
    except (OSError, ValueError):
        return False


class EntryWriter:
    """``with EntryWriter(key) as tmp: write files into tmp`` → checksummed and renamed into place."""

    def __init__(self, key: str):
        self.final = entry_dir(key)

    def __enter__(self) -> Path:
        for stale in self.final.parent.glob(self.final.name + ".tmp-*"):  # left by a killed run
            if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)
        self.tmp = Path(tempfile.mkdtemp(dir=self.final.parent, prefix=self.final.name + ".tmp-"))
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        manifest = {p.name: sha256_file(p) for p in sorted(self.tmp.iterdir()) if p.is_file()}
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        if self.final.exists():  # a stale or corrupted entry
            shutil.rmtree(self.final, ignore_errors=True)
        try:
            os.replace(self.tmp, self.final)
        except OSError:  # another process finished the same entry first: keep theirs
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False

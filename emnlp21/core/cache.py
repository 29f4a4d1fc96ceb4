"""The artefact cache's one mechanism: keys from a hash of a configuration, atomic writes, and
read-or-build, where an entry that cannot be read (missing, truncated, corrupted) is rebuilt, never used,
and built by one process at a time (:func:`build_lock`: the book executes chapters side by side, and
two of them may ask for the same model or score at once).

Every cached artefact of the book goes through here: tokenizers, fine-tuning scores, Kobayashi's
ratios, CTAL's features, task results and GE2E embeddings, the corpora and Wei's parsed stimuli
(as checksummed JSON). Pre-trained models are folders with a manifest (``pretraining/cache.py``),
built on :func:`digest` and the same rename-into-place.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")
_MAGIC = b"emnlp21-json-sha256 "
_MISSING = object()


def digest(spec: str, length: int = 20) -> str:
    """The key of a cache entry: a prefix of the SHA-256 of ``spec`` (a JSON string of everything the
    entry depends on, versions included)."""
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:length]


def config_hash(config: Any, length: int = 16) -> str:
    """:func:`digest` of a JSON-able configuration, independent of key order."""
    return digest(json.dumps(config, sort_keys=True, ensure_ascii=False, default=str), length)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Held while this process builds the entry at ``path``: another process that wants the same entry
    waits here, then finds it built (callers look again once they hold the lock) instead of building
    it twice. The lock file is removed after the entry is written, so a later caller finds the entry
    and no lock; a waiter that held the removed file's lock finds the entry too."""
    path = Path(path)
    lock = path.parent / f".{path.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _try_load(path: Path, load: Callable[[Path], T]):
    if path.is_file():
        try:
            return load(path)
        except Exception:  # truncated, corrupted or stale: rebuilt by the caller
            pass
    return _MISSING


def read_or_build(path: Path, *, load: Callable[[Path], T], build: Callable[[], T],
                  dump: Callable[[T], bytes]) -> tuple[T, bool]:
    """``(load(path), True)`` when ``path`` holds a readable entry; otherwise ``build()``, written
    atomically as ``dump(value)``, and ``(value, False)``. ``load`` raises (any exception) on an entry
    it cannot trust, e.g. one built for other settings; that entry is then rebuilt."""
    path = Path(path)
    if (value := _try_load(path, load)) is not _MISSING:
        return value, True
    with build_lock(path):
        if (value := _try_load(path, load)) is not _MISSING:  # another process built it meanwhile
            return value, True
        value = build()
        write_atomic(path, dump(value))
    return value, False


# --- checksummed JSON: a torn or altered file fails its checksum instead of parsing into garbage ----

def _checksummed_json(obj: Any) -> bytes:
    payload = gzip.compress(json.dumps(obj, ensure_ascii=False).encode(), mtime=0)
    return _MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as gzipped JSON behind a header line holding its SHA-256, atomically."""
    write_atomic(path, _checksummed_json(obj))


def read_json(path: Path) -> Any | None:
    """The stored object, or None when the entry is missing, truncated or fails its checksum."""
    try:
        blob = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    header, _, payload = blob.partition(b"\n")
    if not header.startswith(_MAGIC) or hashlib.sha256(payload).hexdigest().encode() != header[len(_MAGIC):]:
        return None
    return json.loads(gzip.decompress(payload))


def _load_json(path: Path) -> Any:
    if (obj := read_json(path)) is None:
        raise ValueError(f"{path} is truncated or fails its checksum")
    return obj


def cached_json(path: Path, build: Callable[[], Any]) -> Any:
    """Read ``path`` if it holds a valid checksummed entry; otherwise build, store and return the object."""
    return read_or_build(path, load=_load_json, build=build, dump=_checksummed_json)[0]

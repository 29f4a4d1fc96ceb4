"""Checksummed, atomically written JSON cache entries: a torn or corrupted file is rebuilt, never used."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

_MAGIC = b"emnlp21-json-sha256 "


def config_hash(config: Any, length: int = 16) -> str:
    """A stable hash of a JSON-able configuration (key order does not matter)."""
    blob = json.dumps(config, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:length]


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as gzipped JSON behind a header line holding its SHA-256, atomically."""
    payload = gzip.compress(json.dumps(obj, ensure_ascii=False).encode(), mtime=0)
    digest = hashlib.sha256(payload).hexdigest().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + digest + b"\n" + payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any | None:
    """The stored object, or None when the entry is missing, truncated or fails its checksum."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    header, _, payload = blob.partition(b"\n")
    if not header.startswith(_MAGIC) or hashlib.sha256(payload).hexdigest().encode() != header[len(_MAGIC):]:
        return None
    return json.loads(gzip.decompress(payload))


def cached_json(path: Path, build: Callable[[], Any]) -> Any:
    """Read ``path`` if it holds a valid entry; otherwise build, store and return the object."""
    obj = read_json(path)
    if obj is None:
        obj = build()
        write_json(path, obj)
    return obj

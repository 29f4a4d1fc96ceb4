"""Progress bars for long loops: live when a person watches, a few lines in an executed notebook."""

from __future__ import annotations

import os

from tqdm.std import tqdm


def progress(iterable=None, **kwargs):
    """Text ``tqdm`` (no widget dependency). Under the book's executor (``EMNLP21_BATCH`` set) it refreshes
    at most every 10 s, so a stored notebook keeps a handful of progress lines rather than hundreds."""
    kwargs.setdefault("mininterval", 10 if os.environ.get("EMNLP21_BATCH") else 0.5)
    return tqdm(iterable, **kwargs)

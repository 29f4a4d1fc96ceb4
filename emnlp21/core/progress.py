"""Progress of long loops: a live bar when a person watches, one summary line in an executed page."""

from __future__ import annotations

import os
import time

from tqdm.std import tqdm


class _Summary:
    """Iterates like ``tqdm`` without drawing; prints ``desc: N units in S s`` once, at the end."""

    def __init__(self, iterable=None, *, desc: str = "", disable: bool = False, total=None, unit: str = "step", **_):
        self.iterable, self.desc, self.disable, self.unit = iterable, desc, disable, unit

    def __iter__(self):
        start, n = time.perf_counter(), 0
        for item in self.iterable:
            n += 1
            yield item
        if not self.disable:
            print(f"{self.desc or 'loop'}: {n} {self.unit}{'' if n == 1 else 's'} in {time.perf_counter() - start:.1f} s",
                  flush=True)


def progress(iterable=None, **kwargs):
    """Text ``tqdm`` (no widget dependency) when run interactively. Under the book's executor
    (``EMNLP21_BATCH`` set) a stored page would keep every refresh of a bar as an output, so the loop
    leaves one summary line instead."""
    if os.environ.get("EMNLP21_BATCH"):
        return _Summary(iterable, **kwargs)
    kwargs.setdefault("mininterval", 0.5)
    kwargs.setdefault("unit", "step")
    return tqdm(iterable, **kwargs)

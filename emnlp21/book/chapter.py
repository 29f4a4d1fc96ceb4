"""What a compute chapter's first code cell calls."""

from __future__ import annotations

from ..core.runtime import resolve_device, seed_everything, use_threads
from .display import use_theme
from .params import execution, parameters


def setup(section: str, namespace):
    """The first code cell of a compute chapter: its parameters, the profile's torch threads, the
    plotting theme, seeds, the device."""
    params = parameters(section, namespace)
    use_threads(execution(params.profile).threads)
    use_theme()
    seed_everything(params.seed)
    return params, resolve_device(params.device)

"""The book layer, and what every notebook uses: parameters, claims, bilingual display, the first
cell's set-up; the core's paths, devices and seeds, progress and evidence, re-exported."""

import warnings

from ..core import evidence
from ..core.evidence import Control
from ..core.lang import LANGS, tr
from ..core.paths import build_dir, cache_dir, claims_dir, data_dir, project_root
from ..core.progress import progress
from ..core.runtime import resolve_device, seed_everything
from .chapter import setup
from .claims import Claims, load_all
from .display import show_figure, show_table, show_text, use_theme
from .params import ParameterError, Parameters, load_profile, parameters

# Libraries use tqdm.auto, which warns in a kernel without ipywidgets; our bars are text (book.progress).
warnings.filterwarnings("ignore", message="IProgress not found")

__all__ = [
    "evidence", "Claims", "load_all", "Control", "LANGS", "show_figure", "show_table", "show_text", "tr", "use_theme",
    "ParameterError", "Parameters", "load_profile", "parameters", "progress", "build_dir", "cache_dir",
    "claims_dir", "data_dir", "project_root", "resolve_device", "seed_everything", "setup",
]

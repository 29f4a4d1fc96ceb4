"""What every notebook uses: parameters, claims, bilingual display, devices and seeds, paths."""

import warnings

# Libraries import tqdm.auto, which warns in a kernel without ipywidgets; our bars are text (book.progress).
warnings.filterwarnings("ignore", message="IProgress not found")

from .claims import Claims, load_all
from .evidence import Control
from .display import LANGS, show_figure, show_table, show_text, tr, use_theme
from .params import ParameterError, Parameters, load_profile, parameters
from .progress import progress
from .paths import build_dir, cache_dir, claims_dir, data_dir, project_root
from .runtime import resolve_device, seed_everything, setup

__all__ = [
    "Claims", "load_all", "Control", "LANGS", "show_figure", "show_table", "show_text", "tr", "use_theme",
    "ParameterError", "Parameters", "load_profile", "parameters", "progress", "build_dir", "cache_dir",
    "claims_dir", "data_dir", "project_root", "resolve_device", "seed_everything", "setup",
]

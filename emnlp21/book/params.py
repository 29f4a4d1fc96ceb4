"""Named profiles and the validation of a notebook's parameters.

A profile is a YAML file in ``profiles/`` with one section per notebook (``quick`` is the default,
sized for a 2-core CPU; ``full`` is sized for one GPU). A notebook's ``parameters`` cell holds only
``profile = "quick"``; papermill may inject more names:

    papermill notebooks/02_kobayashi.ipynb out.ipynb -p profile full -p seed 3
    papermill notebooks/02_kobayashi.ipynb out.ipynb -f profiles/full.yaml -p seed 3

``-f`` injects every top-level key of the file (``profile`` and one dict per section); ``-p`` injects
single names. :func:`parameters` merges them in that order of precedence — the named profile's
section, then an injected section dict, then single names — and stops before any work on a name
that no section knows or a value of the wrong kind.

**Dry run** (``EMNLP21_DRYRUN=1``, set by ``python -m emnlp21.book execute --dry-run``): every
notebook runs with its profile's model shapes, vocabularies, sequence lengths, variant and task
lists, models and data sources, but with the work cut by one rule, applied here and nowhere else
(:func:`dry_run_values`), to the least that still runs every cell:

- training steps (``STEPS``) ÷ 1000, at least 2 (0, "switched off", stays 0);
- checkpoint lists ÷ 1000, rounded, kept inside 1..their run's steps, duplicates dropped;
- epochs and patience (``EPOCHS``) 1;
- seed lists (``SEEDS``) their first two: a third seed runs no code the second did not, and two keep
  every bootstrap over seeds drawing;
- sizes — words, sentences, items, pairs, utterances, tokens, examples, resamples, initialisations,
  batch rows (``SIZE_FLOORS``) — ÷ 1000, at least the name's floor (the least with which every cell
  runs), never above the profile's value; ``None`` ("all of it") becomes the floor.

Its numbers mean nothing: the executor writes its notebooks, claims (marked ``dry_run``) and figures
under ``_build/dryrun/``, never into the book.
"""

from __future__ import annotations

import os
import types
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from ..core.paths import project_root

DEFAULT_PROFILE = "quick"
DEVICES = ("auto", "cpu", "cuda")
# Shares and probabilities: a value outside [0, 1] is a typo, never a setting.
FRACTIONS = {"dropout", "grammar_dropout", "warmup", "mask_rate", "jitter", "min_margin", "min_text_confidence"}
# Lists that may be empty (an empty list switches the thing off); every other list needs an entry.
MAY_BE_EMPTY = {"book_models", "checkpoint_steps", "grammar_checkpoint_steps", "grammar_agreement_checkpoints",
                "shuffled_finetune_variants"}
# Counts for which 0 switches the thing off (every other count whose default is positive needs at least 1).
MAY_BE_ZERO = {"pretrain_crop"}
# Checkpoint lists and the run they are taken from: each step must lie in 1..that run's steps.
CHECKPOINTS = {"checkpoint_steps": "steps", "grammar_checkpoint_steps": "grammar_steps",
               "grammar_agreement_checkpoints": "grammar_agreement_steps"}
# The dry run's rule (module docstring): what it scales, and the floors that still run every cell.
DRY_RUN_ENV = "EMNLP21_DRYRUN"
THREADS_ENV = "EMNLP21_THREADS"  # overrides the profile's execution.threads (benchmarks/stability.py)
DRY_RUN_FACTOR = 1000
STEPS = {"steps", "grammar_steps", "grammar_agreement_steps", "pretrain_steps", "benchmark_steps", "timing_steps"}
EPOCHS = {"finetune_max_epochs", "finetune_patience", "finetune_epochs"}
SEEDS = {"seeds", "finetune_seeds", "recon_seeds"}
SIZE_FLOORS = {
    "max_words": 30_000, "corpus_max_words": 30_000,
    "corpus_words": 1_000_000,  # Wei+: the full grid needs 75 controlled verbs; 60k words held 67 candidates
    "heldout_tokens": 2048,
    "n_train": 16, "n_eval": 16, "n_pairs": 16, "bootstrap": 20, "leak_sentences": 200, "pll_sentences": 8,
    "grammar_sentences": 2000, "grammar_probe_items": 20, "grammar_mri_inits": 2, "heldout_sentences": 500,
    "pretrain_utterances": 16, "emotion_utterances": 40, "sentiment_utterances": 40,
    "speakers": 10, "heldout_speakers": 4,  # CTAL: two per emotion fold (full: 5 folds); EER needs pairs of both kinds
    "batch_size": 4, "grammar_batch_size": 4,
}
# Names a Jupyter kernel defines by itself; never parameters.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


class ParameterError(ValueError):
    """A parameter name or value the notebook cannot use; the message says what to do."""


def available_profiles() -> list[str]:
    return sorted(p.stem for p in (project_root() / "profiles").glob("*.yaml"))


def load_profile(name: str) -> dict[str, Any]:
    path = project_root() / "profiles" / f"{name}.yaml"
    if not path.is_file():
        raise ParameterError(
            f"Unknown profile {name!r}. Available: {', '.join(available_profiles())} (files in profiles/)."
        )
    with path.open(encoding="utf-8") as f:
        profile = yaml.safe_load(f) or {}
    if profile.get("profile", name) != name:
        raise ParameterError(f"{path} says profile: {profile['profile']!r}; it must match its file name.")
    return profile


@dataclass(frozen=True)
class Execution:
    """How a profile's chapters are executed (its top-level ``execution`` mapping): ``jobs`` chapters at
    once, each kernel with ``threads`` torch threads (0: torch's default, every core), started in the
    order ``first`` gives (the rest in book order). The thread count changes the order of
    floating-point sums, hence the numbers: it belongs to the profile, and a notebook run alone by a
    reader (``runtime.setup``) uses it too."""

    jobs: int = 1
    threads: int = 0
    first: tuple[str, ...] = ()


def execution(profile_name: str) -> Execution:
    """The ``execution`` mapping of a profile, checked (an unknown key or a bad value stops with a message);
    ``$EMNLP21_THREADS`` overrides its thread count."""
    raw = dict(load_profile(profile_name).get("execution") or {})
    where = f"profiles/{profile_name}.yaml: execution"
    if os.environ.get(THREADS_ENV):  # a stability run's other thread count (benchmarks/stability.py)
        try:
            raw["threads"] = int(os.environ[THREADS_ENV])
        except ValueError:
            raise ParameterError(f"${THREADS_ENV} must be an integer, not {os.environ[THREADS_ENV]!r}.") from None
    if not isinstance(raw, Mapping) or set(raw) - {"jobs", "threads", "first"}:
        raise ParameterError(f"{where} takes only jobs, threads and first, not {raw!r}.")
    settings = Execution(**{**raw, "first": tuple(raw.get("first") or ())})
    if not (isinstance(settings.jobs, int) and settings.jobs >= 1 and isinstance(settings.threads, int)
            and settings.threads >= 0):
        raise ParameterError(f"{where} needs jobs >= 1 and threads >= 0 (integers), not {raw!r}.")
    return settings


@dataclass(frozen=True)
class Parameters(Mapping):
    """A notebook's resolved parameters: attribute access, read-only, with the profile's name."""

    section: str
    profile: str
    values: Mapping[str, Any]
    dry_run: bool = False

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(f"{self.section} has no parameter {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def check_between(self, name: str, low, high, what: str = "") -> Any:
        """The value of ``name`` if it lies in ``low..high``; otherwise a :class:`ParameterError` that
        names the valid range (for bounds that the profile cannot know, such as a model's layers)."""
        value = self.values[name]
        if not low <= value <= high:
            raise ParameterError(f"parameter {name!r} of {self.section!r} must be between {low} and {high}"
                                 f"{f' ({what})' if what else ''}, not {value!r}.")
        return value

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, **self.values}

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(repr(v))}</code></td></tr>"
                       for k, v in self.values.items())
        dry = " — <b>dry run</b> (steps and sizes cut; its numbers mean nothing)" if self.dry_run else ""
        return (f"<p>profile <b>{html.escape(self.profile)}</b>{dry}, section <code>{html.escape(self.section)}</code></p>"
                f"<table><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>")


def _injected(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The data names in a notebook's globals: what the parameters cell and papermill defined."""
    return {
        k: v
        for k, v in namespace.items()
        if not k.startswith("_")
        and k not in _KERNEL_NAMES
        and not isinstance(v, (types.ModuleType, type))
        and not callable(v)
    }


def _check_value(section: str, name: str, value: Any, default: Any) -> Any:
    where = f"parameter {name!r} of {section!r}"
    if name == "device" and value not in DEVICES:
        raise ParameterError(f"{where} must be one of {DEVICES}, not {value!r}.")
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ParameterError(
            f"{where} must be {type(default).__name__} (like the default {default!r}), "
            f"not {type(value).__name__} {value!r}."
        )
    _check_range(where, name, value, default)
    return value


def _check_range(where: str, name: str, value: Any, default: Any) -> None:
    """The ranges a profile's defaults imply: shares in [0, 1], learning rates above 0, counts whose
    default is positive at least 1 (0 too where MAY_BE_ZERO), other numbers not negative, lists not empty
    (but MAY_BE_EMPTY)."""
    if isinstance(value, bool):
        return
    if name in FRACTIONS and not 0 <= value <= 1:
        raise ParameterError(f"{where} is a share and must be between 0 and 1, not {value!r}.")
    if (name == "lr" or name.endswith("_lr")) and not value > 0:
        raise ParameterError(f"{where} is a learning rate and must be above 0, not {value!r}.")
    if isinstance(value, int) and default > 0 and value < 1 and name not in MAY_BE_ZERO:
        raise ParameterError(f"{where} is a count and must be at least 1, not {value!r}.")
    if isinstance(value, (int, float)) and default >= 0 and value < 0:
        raise ParameterError(f"{where} must not be negative, not {value!r}.")
    if isinstance(value, list):
        if not value and name not in MAY_BE_EMPTY:
            raise ParameterError(f"{where} needs at least one entry (like the default {default!r}).")
        if default and not all(isinstance(v, type(default[0])) for v in value):
            raise ParameterError(f"{where} must list {type(default[0]).__name__} values like {default!r}, not {value!r}.")


def _check_checkpoints(section: str, values: Mapping[str, Any]) -> None:
    for name, run in CHECKPOINTS.items():
        if name in values and run in values:
            bad = [s for s in values[name] if not 1 <= s <= values[run]]
            if bad:
                raise ParameterError(f"parameter {name!r} of {section!r} lists steps {bad} outside 1..{values[run]} "
                                     f"(the {run!r} of the run they are taken from).")


def is_dry_run() -> bool:
    return os.environ.get(DRY_RUN_ENV, "") not in ("", "0")


def dry_run_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` cut by the dry run's rule (module docstring); nested dicts (a recipe) too."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Mapping):
            out[name] = dry_run_values(value)
        elif name in STEPS and isinstance(value, int):
            out[name] = max(2, value // DRY_RUN_FACTOR) if value else 0
        elif name in EPOCHS and isinstance(value, int):
            out[name] = min(value, 1)
        elif name in SEEDS and isinstance(value, list):
            out[name] = value[:2]
        elif name in SIZE_FLOORS:
            floor = SIZE_FLOORS[name]
            out[name] = floor if value is None else min(value, max(floor, value // DRY_RUN_FACTOR))
        else:
            out[name] = value
    for name, run in CHECKPOINTS.items():
        if name in out and run in out:
            scaled = (min(out[run], max(1, round(s / DRY_RUN_FACTOR))) for s in out[name])
            out[name] = list(dict.fromkeys(scaled))
    return out


def parameters(section: str, namespace: Mapping[str, Any], *, dry_run: bool | None = None) -> Parameters:
    """Resolve a notebook's parameters from its globals (see the module docstring). ``dry_run``:
    cut by the dry run's rule; None (a notebook) follows ``EMNLP21_DRYRUN``, False reads the profile as
    written (what a cost estimate needs)."""
    names = _injected(namespace)
    profile_name = names.pop("profile", DEFAULT_PROFILE)
    if not isinstance(profile_name, str):
        raise ParameterError(f"profile must be a profile name such as 'quick', not {profile_name!r}.")
    defaults_profile = load_profile(DEFAULT_PROFILE)
    if section not in defaults_profile:
        raise ParameterError(f"profiles/{DEFAULT_PROFILE}.yaml has no section {section!r}.")
    schema: dict[str, Any] = dict(defaults_profile[section])
    profile = load_profile(profile_name)
    sections = set(defaults_profile) | set(profile)

    values = dict(schema)
    chosen = profile.get(section) or {}
    injected_section = names.pop(section, None) or {}
    if not isinstance(injected_section, Mapping):
        raise ParameterError(f"{section!r} must be a mapping of parameters, not {injected_section!r}.")
    singles = {k: v for k, v in names.items() if k not in sections}
    for source in (chosen, injected_section, singles):
        for name, value in source.items():
            if name not in schema:
                known = ", ".join(sorted(schema))
                raise ParameterError(
                    f"Unknown parameter {name!r} for {section!r}. Known parameters: {known}, and 'profile'."
                )
            values[name] = _check_value(section, name, value, schema[name])
    dry = is_dry_run() if dry_run is None else dry_run
    if dry:  # after the checks on what the profile says, and checked again as cut
        _check_checkpoints(section, values)
        values = {name: _check_value(section, name, value, schema[name]) for name, value in dry_run_values(values).items()}
    _check_checkpoints(section, values)
    return Parameters(section=section, profile=profile_name, values=values, dry_run=dry)

"""Execute the book's notebooks with papermill, skipping those whose inputs have not changed.

A chapter listed in ``_toc.yml`` as ``book/chapters/NAME`` is executed from ``notebooks/NAME.py``
(Jupytext percent format) into ``book/chapters/NAME.ipynb``. The executed notebook carries a key:
the hash of its source, the profile files, the extra parameters, the library files it can run (the
closure of its imports, :mod:`.dependencies`: editing one chapter's module re-executes that chapter
only) and the files of ``data/``. Equal key and a claims file present: nothing to do. A failed run leaves its partly
executed notebook in ``_build/reports/NAME.ipynb`` and stops with the cell's error.

:func:`execute_book` runs the profile's ``execution.jobs`` chapters at once, each in its own process
with ``execution.threads`` torch threads (:class:`.params.Execution`); chapters that want the same
model or score wait for each other at the cache (:func:`.cache.build_lock`), so nothing is built twice.

A dry run (``dry_run=True``; the rule that cuts the work is in :mod:`.params`) writes its notebooks,
claims and figures under ``_build/dryrun/`` and its artefacts under ``dryrun/`` of the user's cache
instead, so it never overwrites the book's results nor is shown as them (and a second clone, or the
next CI run, finds its trained miniatures).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from ..core.cache import write_atomic
from ..core.dependencies import library_files
from ..core.paths import build_dir, cache_dir, claims_dir, project_root
from ..core.runtime import machine_description
from .params import DRY_RUN_ENV, ParameterError, execution, is_dry_run, load_profile

CHAPTERS = "book/chapters"
DRY_RUN_DIR = "dryrun"  # under _build/ (notebooks, claims, figures) and the user's cache (artefacts)
KEY_FIELD = "emnlp21_execution_key"


def toc_files(root: Path | None = None) -> list[str]:
    """Every page ``_toc.yml`` lists (root page first), as written there."""
    toc = yaml.safe_load(((root or project_root()) / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def toc_chapters() -> list[str]:
    """Names of the executed notebooks the table of contents includes, in book order."""
    return [f.removeprefix(CHAPTERS + "/").removesuffix(".ipynb") for f in toc_files() if f.startswith(CHAPTERS + "/")]


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    root = project_root()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def execution_key(name: str, profile: str, parameters: dict[str, Any]) -> str:
    root = project_root()
    source = root / "notebooks" / f"{name}.py"
    # the library files the notebook can run (editing another chapter's module leaves it up to date)
    library = library_files(source, root) + [p for p in (root / "data").rglob("*") if p.is_file()]
    profiles = [root / "profiles" / "quick.yaml", root / "profiles" / f"{profile}.yaml"]
    payload = {
        "notebook": _files_digest([source]),
        "profiles": _files_digest(list(set(profiles))),
        "parameters": parameters,
        "library": _files_digest(library),
        "dry_run": is_dry_run(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _stored_key(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"].get(KEY_FIELD)
    except (OSError, ValueError, KeyError):
        return None  # missing or unreadable: execute again


def _target(name: str) -> Path:
    return (build_dir(DRY_RUN_DIR, "chapters") if is_dry_run() else project_root() / CHAPTERS) / f"{name}.ipynb"


def _draft(name: str) -> Path:
    """Where a chapter is executed (and left when it fails)."""
    return build_dir(*([DRY_RUN_DIR] if is_dry_run() else []), "reports") / f"{name}.ipynb"


def is_up_to_date(name: str, profile: str = "quick", parameters: dict[str, Any] | None = None) -> bool:
    """The executed notebook carries the key of its present inputs, and its claims file exists."""
    return _is_current(name, execution_key(name, profile, dict(parameters or {})))


def _is_current(name: str, key: str) -> bool:
    return _stored_key(_target(name)) == key and (claims_dir() / f"{section_of(name)}.json").exists()


def thread_environment(threads: int) -> dict[str, str]:
    """What makes a kernel's torch and BLAS use ``threads`` threads from its start (0: their defaults)."""
    return {name: str(threads) for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")} if threads else {}


def execute(name: str, profile: str = "quick", parameters: dict[str, Any] | None = None,
            force: bool = False, progress_bar: bool = True) -> bool:
    """Execute one notebook unless it is up to date; return True if it ran."""
    import jupytext
    import nbformat
    import papermill

    root = project_root()
    source = root / "notebooks" / f"{name}.py"
    if not source.is_file():
        raise FileNotFoundError(f"_toc.yml lists {CHAPTERS}/{name} but there is no notebooks/{name}.py")
    load_profile(profile)  # fail fast on an unknown profile
    parameters = dict(parameters or {})
    key = execution_key(name, profile, parameters)  # of the inputs as they are when the run starts
    if not force and _is_current(name, key):
        print(f"[book] {name}: up to date")
        return False

    target, draft = _target(name), _draft(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(jupytext.read(source), draft)
    started = time.perf_counter()
    dry = " (dry run)" if is_dry_run() else ""
    print(f"[book] {name}: executing with profile {profile!r}{dry} {parameters or ''}", flush=True)
    os.environ["EMNLP21_BATCH"] = "1"  # progress bars: a few lines, not hundreds (book.progress)
    # the libraries' own bars too (transformers' "Loading weights", the hub's): a slow load refreshes them often
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ.update(thread_environment(execution(profile).threads))  # the kernel's BLAS as well as torch
    try:
        papermill.execute_notebook(str(draft), str(draft), parameters={"profile": profile, **parameters},
                                   cwd=str(root), kernel_name="python3", progress_bar=progress_bar)
    except papermill.PapermillExecutionError as error:
        raise RuntimeError(
            f"notebooks/{name}.py failed in cell {error.exec_count}: {error.ename}: {error.evalue}\n"
            f"The partly executed notebook is in {draft.relative_to(root)}."
        ) from None
    notebook = json.loads(draft.read_text(encoding="utf-8"))
    notebook["metadata"][KEY_FIELD] = key
    _show_only_the_parameters_that_ran(notebook)
    write_atomic(target, json.dumps(notebook, ensure_ascii=False, indent=1).encode("utf-8"))
    draft.unlink()
    seconds = time.perf_counter() - started
    _write_provenance(section_of(name), profile + dry, seconds, name=name, parameters=parameters)
    print(f"[book] {name}: done in {seconds:.0f} s", flush=True)
    return True


def provenance_dir() -> Path:
    """Where the executor notes, per chapter, which profile ran it, on what machine, when and how long
    (the front page says so)."""
    return claims_dir() / "provenance"


def _show_only_the_parameters_that_ran(notebook: dict) -> None:
    """The page shows papermill's injected cell (what ran), not the default it overrode: the tagged
    ``parameters`` cell gets Jupyter Book's ``remove-cell`` tag when an injected cell follows it."""
    tags = [cell.get("metadata", {}).get("tags", []) for cell in notebook["cells"]]
    if any("injected-parameters" in t for t in tags):
        for cell, t in zip(notebook["cells"], tags):
            if "parameters" in t and "remove-cell" not in t:
                cell.setdefault("metadata", {})["tags"] = [*t, "remove-cell"]


def _write_provenance(section: str, profile: str, seconds: float, name: str = "",
                      parameters: dict[str, Any] | None = None) -> None:
    """The chapter's record (the front page's provenance line and the execution report read it): the
    profile, machine, start, seconds and status, whether it was a dry run, the commit and the versions
    that computed it, and the seeds its section gave it."""
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc)
    started = now - datetime.timedelta(seconds=seconds)
    record = {"profile": profile, "machine": machine_description(), "seconds": round(seconds, 1),
              "executed": now.isoformat(timespec="minutes"), "started": started.isoformat(timespec="seconds"),
              "status": "ok", "dry_run": is_dry_run(), "notebook": name or section,
              **git_commit(), "versions": package_versions(),
              "seeds": _seeds(section, profile.removesuffix(" (dry run)"), parameters or {})}
    path = provenance_dir() / f"{section}.json"
    write_atomic(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def git_commit(root: Path | None = None) -> dict[str, Any]:
    """``{"commit": <git rev-parse HEAD>, "modified": <tracked files differ from it>}``; ``"unknown"``
    and None outside a git checkout (an unpacked archive) or without git."""
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=root or project_root(), capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown", "modified": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "modified": None if status is None else bool(status)}


VERSIONED = ("torch", "transformers", "numpy")  # the packages whose version the execution report shows


def package_versions() -> dict[str, str]:
    """Python's version and the installed versions of :data:`VERSIONED` (read from the package
    metadata: nothing is imported)."""
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for package in VERSIONED:
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def _seeds(section: str, profile: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The seed parameters (every name holding ``seed``) of the chapter's section, as the profile and
    the run's overrides set them."""
    try:
        values = dict((load_profile("quick").get(section) or {}))
        if profile != "quick":
            values.update(load_profile(profile).get(section) or {})
    except (ParameterError, OSError, AttributeError):
        values = {}
    values.update(parameters)
    return {k: v for k, v in values.items() if "seed" in k and k != "profile"}


def section_of(name: str) -> str:
    """``03_kobayashi`` -> ``kobayashi``: the profile section and claims file of a notebook."""
    return name.split("_", 1)[1] if name[:2].isdigit() else name


def dry_run_environment() -> Path:
    """Switch this process (and the kernels it starts, which inherit it) to a dry run: the flag, claims
    and figures under ``_build/dryrun/``, the artefact cache under ``dryrun/`` of the user's cache (its
    own root: never mixed with the book's artefacts). The corpora are inputs fetched with apt: the
    user's cache is linked in. Hub models are not reachable offline: the profiles'
    fallbacks are taken. Returns the dry run's folder."""
    folder = build_dir(DRY_RUN_DIR)
    os.environ[DRY_RUN_ENV] = "1"
    os.environ["EMNLP21_CLAIMS"] = str(folder / "claims")
    os.environ["EMNLP21_FIGURES"] = str(folder / "figures")
    use_own_cache(DRY_RUN_DIR)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return folder


def use_own_cache(name: str) -> None:
    """Move this process's artefact cache (and its kernels') to ``name/`` inside the user's cache: its
    models are trained again, never read from the book's. The corpora, inputs fetched with apt, are
    linked in from the user's cache. A second call with the same name keeps the cache it moved to."""
    if cache_dir().name == name:
        return
    user_corpora = cache_dir("corpora")
    os.environ["EMNLP21_CACHE"] = str(cache_dir(name))
    corpora = cache_dir("corpora")
    if corpora != user_corpora and not corpora.is_symlink() and not any(corpora.iterdir()):
        corpora.rmdir()
        corpora.symlink_to(user_corpora, target_is_directory=True)


def start_order(names: list[str], first: tuple[str, ...] | list[str]) -> list[str]:
    """The chapters whose sections ``first`` lists, in its order, then the others in book order."""
    sections = {section_of(n): n for n in names}
    unknown = [f for f in first if f not in sections]
    if unknown:
        raise ParameterError(f"execution.first names {unknown}, which are not chapters of _toc.yml ({sorted(sections)}).")
    return [sections[f] for f in first] + [n for n in names if section_of(n) not in first]


def execute_book(profile: str = "quick", force: bool = False, jobs: int | None = None) -> list[str]:
    """Execute every chapter in the TOC that is not up to date, ``jobs`` at once (default: the
    profile's ``execution.jobs``); drop claims of notebooks the TOC no longer lists. Returns the
    chapters that ran."""
    names = toc_chapters()
    settings = execution(profile)
    jobs = jobs or settings.jobs
    if jobs == 1:
        ran = [name for name in names if execute(name, profile, force=force)]
    else:
        todo = [n for n in start_order(names, settings.first) if force or not is_up_to_date(n, profile)]
        for name in names:
            if name not in todo:
                print(f"[book] {name}: up to date")
        ran = _side_by_side(todo, profile, force, jobs)
    wanted = {section_of(n) for n in names}
    for stale in [*claims_dir().glob("*.json"), *provenance_dir().glob("*.json")]:
        if stale.stem not in wanted:
            stale.unlink()
    return ran


def _side_by_side(names: list[str], profile: str, force: bool, jobs: int, heartbeat: float = 60.0) -> list[str]:
    """Execute ``names`` in that order, ``jobs`` processes at a time (``python -m emnlp21.book execute
    --only``, each output in ``_build/reports/NAME.log``); say when each starts and ends, and every
    ``heartbeat`` seconds which cell each running chapter is in. After a failure the running ones
    finish (their artefacts are cached) and nothing new starts; then the failures are raised."""
    root = project_root()
    pending, running, ran, errors = list(names), {}, [], []
    last_beat = time.perf_counter()
    while running or (pending and not errors):
        while pending and len(running) < jobs and not errors:
            name = pending.pop(0)
            log = _draft(name).with_suffix(".log")
            with open(log, "w", encoding="utf-8") as out:
                process = subprocess.Popen(_chapter_command(name, profile, force), cwd=root, stdout=out,
                                           stderr=subprocess.STDOUT)
            running[name] = (process, time.perf_counter(), log)
            print(f"[book] {name}: started ({len(running)} running, {len(pending)} waiting; log {log.relative_to(root)})",
                  flush=True)
        time.sleep(0.5)
        for name, (process, began, log) in list(running.items()):
            if process.poll() is None:
                continue
            del running[name]
            minutes = (time.perf_counter() - began) / 60
            if process.returncode == 0:
                ran.append(name)
                print(f"[book] {name}: done in {minutes:.1f} min", flush=True)
            else:
                tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
                errors.append(f"{name} failed (exit {process.returncode}); the end of {log.relative_to(root)}:\n"
                              + "\n".join(tail))
                print(f"[book] {name}: FAILED after {minutes:.1f} min (see {log.relative_to(root)})", flush=True)
        if running and time.perf_counter() - last_beat >= heartbeat:
            last_beat = time.perf_counter()
            print("[book] running: " + "; ".join(f"{n} {_cells_done(n)}, {(last_beat - b) / 60:.0f} min"
                                                for n, (_, b, _) in running.items()), flush=True)
    if errors:
        raise RuntimeError("\n\n".join(errors))
    return ran


def _chapter_command(name: str, profile: str, force: bool) -> list[str]:
    return [sys.executable, "-m", "emnlp21.book", "execute", "--only", section_of(name), "--profile", profile,
            "--no-cell-progress", *(["--force"] if force else [])]


def _cells_done(name: str) -> str:
    """``cell K/N`` of a chapter being executed, from the draft that papermill saves as it goes."""
    try:
        cells = [c for c in json.loads(_draft(name).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    except (OSError, ValueError, KeyError):
        return "starting"
    done = sum(1 for c in cells if c.get("metadata", {}).get("papermill", {}).get("end_time"))
    return f"cell {done}/{len(cells)}"

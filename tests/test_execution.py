"""Chapters side by side: one build per cache entry across processes, the start order, the profile's
thread count, and the executor's pool (started, overlapping, stopped by a failure)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from emnlp21 import book
from emnlp21.book import execute, params

_BUILDER = """
import sys, time
from pathlib import Path
from emnlp21.core.cache import read_or_build
entry, builds = Path(sys.argv[1]), Path(sys.argv[2])
def build():
    with builds.open("a") as f:
        f.write("built\\n")
    time.sleep(1.0)
    return b"value"
value, _ = read_or_build(entry, load=lambda p: p.read_bytes(), build=build, dump=lambda v: v)
assert value == b"value"
"""


def test_two_processes_wanting_one_entry_build_it_once(tmp_path):
    entry, builds = tmp_path / "entry.bin", tmp_path / "builds.txt"
    procs = [subprocess.Popen([sys.executable, "-c", _BUILDER, str(entry), str(builds)]) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert builds.read_text().splitlines() == ["built"]  # the second waited, then read the first one's entry
    assert entry.read_bytes() == b"value" and not list(tmp_path.glob(".*.lock"))


def test_start_order_puts_the_named_chapters_first_and_refuses_unknown_ones():
    names = ["01_conference", "03_kobayashi", "05_sinha", "06_wei"]
    assert execute.start_order(names, ("wei", "kobayashi")) == ["06_wei", "03_kobayashi", "01_conference", "05_sinha"]
    with pytest.raises(params.ParameterError, match="nope"):
        execute.start_order(names, ("nope",))


def test_profiles_say_how_to_execute_and_bad_settings_are_refused(monkeypatch):
    assert params.execution("quick") == params.Execution(jobs=2, threads=1, first=("kobayashi", "wei", "sinha",
                                                                                     "yamaguchi", "ctal"))
    assert params.execution("full").jobs == 1
    execute.start_order(execute.toc_chapters(), params.execution("quick").first)  # every name is a chapter
    monkeypatch.setenv(params.THREADS_ENV, "2")  # a stability run's other thread count
    assert params.execution("quick").threads == 2
    monkeypatch.setenv(params.THREADS_ENV, "two")
    with pytest.raises(params.ParameterError, match="integer"):
        params.execution("quick")
    monkeypatch.delenv(params.THREADS_ENV)
    for bad in ({"jobs": 0}, {"threads": -1}, {"jobs": 2, "cores": 4}):
        monkeypatch.setattr(params, "load_profile", lambda name, bad=bad: {"profile": name, "execution": bad})
        with pytest.raises(params.ParameterError, match="execution"):
            params.execution("quick")


def test_a_notebook_takes_the_profiles_thread_count():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        book.setup("wei", {"profile": "quick"})
        assert torch.get_num_threads() == params.execution("quick").threads == 1
    finally:
        torch.set_num_threads(before)


def _fake_chapters(monkeypatch, tmp_path, script):
    """Chapters whose 'execution' is ``script`` (formatted with the chapter's name and a stamp folder)."""
    monkeypatch.setattr(execute, "_draft", lambda name: tmp_path / f"{name}.ipynb")
    monkeypatch.setattr(execute, "project_root", lambda: tmp_path)
    monkeypatch.setattr(execute, "_chapter_command", lambda name, profile, force: [
        sys.executable, "-c", script.format(name=name, stamps=tmp_path)])


_STAMPED = """
import time, pathlib, sys
pathlib.Path(r"{stamps}", "{name}.start").write_text(repr(time.time()))
time.sleep(0.8)
if "{name}" == "bad":
    print("the error of bad"); sys.exit(3)
pathlib.Path(r"{stamps}", "{name}.end").write_text(repr(time.time()))
"""


def test_side_by_side_runs_jobs_at_once_in_order(monkeypatch, tmp_path, capsys):
    _fake_chapters(monkeypatch, tmp_path, _STAMPED)
    began = time.time()
    assert sorted(execute._side_by_side(["a", "b", "c"], "quick", False, jobs=2, heartbeat=0.2)) == ["a", "b", "c"]
    start = {n: float((tmp_path / f"{n}.start").read_text()) for n in "abc"}
    end = {n: float((tmp_path / f"{n}.end").read_text()) for n in "abc"}
    assert start["b"] < end["a"] and start["a"] < end["b"]  # a and b overlapped
    assert start["c"] >= min(end["a"], end["b"])  # c waited for a free job
    assert time.time() - began < 3 * 0.8 + 1.5  # less than one after another
    out = capsys.readouterr().out
    assert "[book] a: started" in out and "[book] c: done" in out and "[book] running:" in out


def test_side_by_side_stops_starting_after_a_failure_and_raises_it(monkeypatch, tmp_path):
    _fake_chapters(monkeypatch, tmp_path, _STAMPED)
    with pytest.raises(RuntimeError, match="(?s)bad failed \\(exit 3\\).*the error of bad"):
        execute._side_by_side(["bad", "a", "later"], "quick", False, jobs=2)
    assert (tmp_path / "a.end").exists()  # the one running beside it finished
    assert not (tmp_path / "later.start").exists()  # nothing new started


def _stability():
    import importlib.util

    spec = importlib.util.spec_from_file_location("stability", Path(__file__).parents[1] / "benchmarks" / "stability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stability_table_names_a_flip_between_holds_and_fails_and_nothing_else(tmp_path):
    import pandas as pd

    stability = _stability()
    (tmp_path / "wei.json").write_text(json.dumps([
        {"id": "wei.a", "kind": "finding", "verdict": "holds"},
        {"id": "wei.b", "kind": "check", "verdict": "fails"}]), encoding="utf-8")
    assert stability.verdicts(tmp_path) == {"wei.a": "holds", "wei.b": "fails (check)"}
    table = pd.DataFrame({"book": {"a": "holds", "b": "holds", "c": "fails (check)", "d": "holds"},
                          "seed1": {"a": "inconclusive", "b": "fails", "c": "holds (check)", "d": None}})
    assert stability.flips(table) == ["b", "c"]  # to or from inconclusive, or a missing claim, is no flip
    assert stability.run_spec("threads2") == ("threads", 2) and stability.run_spec("seed1") == ("seed", None)
    with pytest.raises(SystemExit, match="unknown run"):
        stability.run_spec("threads")

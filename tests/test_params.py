"""Profiles and parameter validation: unknown names and bad values stop before any work."""

import subprocess
import sys

import jupytext
import pytest
import yaml

from emnlp21 import book
from emnlp21.book.params import ParameterError, parameters

ROOT = book.project_root()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def test_defaults_come_from_the_quick_profile():
    p = parameters("practice", {"profile": "quick"})
    assert p.timezone_reader == "Asia/Tokyo" and p.profile == "quick"


def test_single_override_beats_injected_section_beats_profile():
    ns = {"profile": "quick", "practice": {"timezone_reader": "Europe/Paris"}}
    assert parameters("practice", ns).timezone_reader == "Europe/Paris"
    ns["timezone_reader"] = "UTC"
    assert parameters("practice", ns).timezone_reader == "UTC"


def test_unknown_parameter_is_named():
    with pytest.raises(ParameterError, match="'bogus'"):
        parameters("practice", {"profile": "quick", "bogus": 1})


def test_bad_type_is_named():
    with pytest.raises(ParameterError, match="timezone_reader.*must be str"):
        parameters("practice", {"timezone_reader": 9})



@pytest.mark.parametrize("section, name, value, message", [
    ("kobayashi", "mask_rate", 1.5, "between 0 and 1"),
    ("small_models", "dropout", -0.1, "between 0 and 1"),
    ("small_models", "lr", 0.0, "above 0"),
    ("small_models", "steps", 0, "at least 1"),
    ("ctal", "pretrain_crop", -1, "must not be negative"),
    ("sinha", "variants", [], "at least one entry"),
    ("sinha", "finetune_seeds", ["0"], "int values"),
    ("small_models", "checkpoint_steps", [5000], r"\[5000\] outside 1..1200"),
])
def test_out_of_range_values_stop_with_the_valid_range(section, name, value, message):
    with pytest.raises(ParameterError, match=message):
        parameters(section, {"profile": "quick", name: value})


def test_lists_that_switch_a_part_off_may_be_empty():
    assert parameters("kobayashi", {"profile": "quick", "book_models": []}).book_models == []


def test_counts_that_switch_a_part_off_may_be_zero():
    assert parameters("ctal", {"profile": "quick", "pretrain_crop": 0}).pretrain_crop == 0


def test_bounds_the_profile_cannot_know_are_checked_against_the_model():
    p = parameters("kobayashi", {"profile": "quick", "example_layer": 99})
    with pytest.raises(ParameterError, match="example_layer.*between 1 and 6 \\(the layers of m\\), not 99"):
        p.check_between("example_layer", 1, 6, "the layers of m")
    assert parameters("kobayashi", {"profile": "quick"}).check_between("example_layer", 1, 6) == 2

def test_unknown_profile_lists_the_available_ones():
    with pytest.raises(ParameterError, match="quick"):
        parameters("practice", {"profile": "nope"})


def test_other_sections_injected_by_a_profile_file_are_ignored():
    full = book.load_profile("full")
    assert parameters("practice", dict(full)).profile == "full"


def test_kernel_names_modules_and_functions_are_not_parameters():
    ns = {"profile": "quick", "In": [], "Out": {}, "book": book, "f": lambda: 0, "_": 3}
    assert parameters("practice", ns).profile == "quick"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_has_one_parameters_cell_and_a_profile_section(path):
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    section = path.stem.split("_", 1)[1]
    quick = yaml.safe_load((ROOT / "profiles" / "quick.yaml").read_text())
    full = yaml.safe_load((ROOT / "profiles" / "full.yaml").read_text())
    assert section in quick and section in full, f"profiles need a {section!r} section"
    unknown = set(full[section] or {}) - set(quick[section] or {})
    assert not unknown, f"full.yaml sets {unknown} that quick.yaml (the schema) lacks"
    text = path.read_text()
    assert f'book.parameters("{section}", globals())' in text or f'book.setup("{section}", globals())' in text
    # the executor counts a chapter as up to date only with its claims file: every chapter writes one
    assert "claims.save()" in text, f"{path.name} never saves its claims"



@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_import_hides_the_injected_section_before_the_parameters_are_read(path):
    """papermill -f injects one dict per section (e.g. ``sinha = {...}``); ``from emnlp21 import sinha``
    before ``book.setup("sinha", ...)`` would silently replace it with the module."""
    import ast

    section = path.stem.split("_", 1)[1]
    bound: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr in ("setup", "parameters") and n.args and isinstance(n.args[0], ast.Constant)]
        if calls:
            assert section not in bound, f"{path.name}: {section!r} is imported before book.setup/parameters reads it"
            return
    pytest.fail(f"{path.name} never reads its parameters")

def _papermill(tmp_path, *args):
    nb = tmp_path / "practice.ipynb"
    jupytext.write(jupytext.read(ROOT / "notebooks" / "02_practice.py"), nb)
    return subprocess.run(
        [sys.executable, "-m", "papermill", str(nb), str(tmp_path / "out.ipynb"), "--cwd", str(ROOT), *args],
        capture_output=True, text=True, timeout=300,
    )


def test_papermill_unknown_parameter_fails_fast_with_its_name(tmp_path):
    run = _papermill(tmp_path, "-p", "seeed", "3")
    assert run.returncode != 0
    assert "Unknown parameter 'seeed'" in run.stderr + run.stdout


def test_papermill_profile_file_and_override_run(tmp_path):
    run = _papermill(tmp_path, "-f", str(ROOT / "profiles" / "full.yaml"), "-p", "timezone_reader", "Asia/Tokyo")
    assert run.returncode == 0, run.stderr[-2000:]


SHARED_MODEL_FIELDS = ("corpus_id", "max_words", "vocab_size", "layers", "hidden", "heads", "intermediate",
                       "seq_len", "batch_size", "steps", "lr", "warmup", "dropout", "seed", "n_train",
                       "n_eval", "task_seed", "finetune_max_epochs", "finetune_patience", "finetune_lr", "finetune_seeds")


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_pretraining_chapters_share_one_natural_mlm_model(profile):
    """Sinha's MN and Yamaguchi's MLM are small_models' model: one cache entry, one set of scores."""
    sections = [parameters(s, {"profile": profile}) for s in ("small_models", "sinha", "yamaguchi")]
    for field in SHARED_MODEL_FIELDS:
        assert len({repr(p[field]) for p in sections}) == 1, f"{profile}: {field} differs between sections"


GRAMMAR_FIELDS = ("grammar_sentences", "grammar_vocab", "grammar_steps", "grammar_seq_len", "grammar_batch_size",
                  "grammar_lr", "grammar_dropout", "grammar_checkpoint_steps")


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_grammar_chapters_share_one_grammar_mlm_model(profile):
    """Sinha's grammar MN and Yamaguchi's grammar MLM are one cache entry (checkpoints included)."""
    sinha, yamaguchi = (parameters(s, {"profile": profile}) for s in ("sinha", "yamaguchi"))
    for field in GRAMMAR_FIELDS:
        assert repr(sinha[field]) == repr(yamaguchi[field]), f"{profile}: {field} differs between sinha and yamaguchi"

"""The library's layout, as CONTRIBUTING.md describes it: four layers (core, toolkit, papers, book), each
importing only those below it; thin notebooks, one shape per paper, no import cycles."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emnlp21.core.dependencies import PACKAGE, imported_modules, library_files, module_file

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ("kobayashi", "sinha", "wei", "yamaguchi", "ctal")
# The one documented crossing: CTAL's optional MiniLM text stream loads Kobayashi's packaged model.
ALLOWED_CROSSINGS = {("ctal", "emnlp21.kobayashi.model")}
# Each top-level part of emnlp21 and its layer: a module imports (anywhere, functions included) only
# from its own layer and those below it.
LAYERS = {"core": 0, "corpora": 1, "grammar": 1, "pretraining": 1, "conference": 2, **dict.fromkeys(PAPERS, 2),
          "book": 3}


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, everywhere: bool = False, root: Path = ROOT) -> set[str]:
    """The emnlp21 modules a file imports at module level (what importing it runs), or anywhere in it:
    for each name, the longest prefix that is a module (``from .config import X``: ``...config``)."""
    out = set()
    for name in imported_modules(path, _module_name(path, root), everywhere=everywhere):
        parts = name.split(".")
        if parts[0] == PACKAGE:
            out.add(next(m for k in range(len(parts), 0, -1) if module_file(root, m := ".".join(parts[:k]))))
    return out


def _layer_violations(root: Path) -> list[str]:
    """Every import of a module from a higher layer than the importer's (or from a part LAYERS lacks)."""
    found = []
    for f in sorted((root / PACKAGE).rglob("*.py")):
        name = _module_name(f, root)
        if name == PACKAGE:
            continue
        part = name.split(".")[1]
        for target in _imports(f, everywhere=True, root=root):
            other = target.split(".")[1] if "." in target else ""
            if other and LAYERS.get(other, 99) > LAYERS.get(part, -1):
                found.append(f"{name} ({part}, layer {LAYERS.get(part)}) imports {target} (layer {LAYERS.get(other)})")
    return found


def test_every_part_of_the_library_has_a_layer():
    parts = {p.stem for p in (ROOT / PACKAGE).iterdir() if p.name != "__init__.py" and
             (p.suffix == ".py" or (p / "__init__.py").is_file())}
    assert parts == set(LAYERS)


def test_each_layer_imports_only_the_layers_below_it():
    assert not _layer_violations(ROOT)


@pytest.mark.parametrize("importer, line", [
    ("core/paths.py", "def f():\n    from ..book import params\n"),         # the floor reaching up, in a function
    ("pretraining/train.py", "from ..yamaguchi import objectives\n"),       # the toolkit naming a paper
    ("wei/verdicts.py", "from emnlp21.book.params import parameters\n"),    # a paper reading a profile
])
def test_the_layer_test_catches_a_planted_upward_import(tmp_path, importer, line):
    for name in ("__init__.py", "core/__init__.py", "core/paths.py", "book/__init__.py", "book/params.py",
                 "pretraining/__init__.py", "pretraining/train.py", "yamaguchi/__init__.py",
                 "yamaguchi/objectives.py", "wei/__init__.py", "wei/verdicts.py"):
        (tmp_path / PACKAGE / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / PACKAGE / name).write_text("")
    assert not _layer_violations(tmp_path)
    (tmp_path / PACKAGE / importer).write_text(line)
    found = _layer_violations(tmp_path)
    assert len(found) == 1 and found[0].startswith(_module_name(tmp_path / PACKAGE / importer, tmp_path))


def _graph() -> dict[str, set[str]]:
    # _imports names modules already (a name imported from a module counts as that module)
    return {_module_name(f): _imports(f) - {_module_name(f)} for f in sorted((ROOT / "emnlp21").rglob("*.py"))}


def test_the_library_has_no_import_cycle():
    graph = _graph()
    # importing a module first imports its parent packages; a package's __init__ may import its children
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == "open":
                cycle = stack[stack.index(d):] + [d]
                # a package importing its own submodules is not a cycle of concerns
                if not all(x.startswith(cycle[0] + ".") or x == cycle[0] for x in cycle):
                    pytest.fail("import cycle: " + " -> ".join(cycle))
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_a_paper_package_imports_the_toolkit_not_another_paper():
    crossings = []
    for paper in PAPERS:
        for f in sorted((ROOT / "emnlp21" / paper).rglob("*.py")):
            for d in _imports(f, everywhere=True):
                other = d.split(".")[1] if d.count(".") >= 1 else ""
                if other in PAPERS and other != paper and (paper, d) not in ALLOWED_CROSSINGS:
                    crossings.append(f"{f.relative_to(ROOT)} imports {d}")
    assert not crossings, crossings


@pytest.mark.parametrize("paper", PAPERS)
def test_every_paper_package_has_the_same_shape(paper):
    have = {p.name for p in (ROOT / "emnlp21" / paper).glob("*.py")}
    assert {"__init__.py", "paper.py", "verdicts.py", "figures.py"} <= have, sorted(have)


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.py")), ids=lambda p: p.stem)
def test_notebooks_define_no_functions(path):
    """Notebooks hold narrative, parameters, calls and figures; code that could be reused lives in emnlp21/."""
    defined = [n.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    assert not defined, f"{path.name} defines {defined}: move them into the library"


def test_a_notebooks_library_files_are_the_closure_of_its_imports(tmp_path):
    """What a chapter's execution key hashes (emnlp21.core.dependencies): relative imports, imports
    inside functions and the __init__ of every package on the way count; a module nobody imports does not."""
    files = {
        "pkg/__init__.py": "from .a import f\n",
        "pkg/a.py": "def f():\n    from . import b\n",
        "pkg/b.py": "import os\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "from ..b import g\n",
        "pkg/unused.py": "from . import a\n",
        "script.py": "from pkg.sub import c\nimport numpy\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = library_files(tmp_path / "script.py", tmp_path, package="pkg")
    assert [str(p.relative_to(tmp_path)) for p in found] == \
        ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/sub/__init__.py", "pkg/sub/c.py"]


def test_editing_one_chapters_module_re_executes_that_chapter_only():
    closure = {n: set(library_files(ROOT / "notebooks" / f"{n}.py", ROOT)) for n in ("06_wei", "08_ctal")}
    ctal_figures, evidence = ROOT / "emnlp21/ctal/figures.py", ROOT / "emnlp21/core/evidence.py"
    assert ctal_figures in closure["08_ctal"] and ctal_figures not in closure["06_wei"]
    assert evidence in closure["06_wei"] and evidence in closure["08_ctal"]  # the floor: every chapter


def test_importing_the_library_leaves_the_users_matplotlib_backend_alone():
    """A chapter's first cell picks Agg (book.use_theme); an import must not (a user's own backend)."""
    code = ("import matplotlib; import emnlp21.book, emnlp21.pretraining.tokenizer, emnlp21.sinha.figures; "
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "MPLBACKEND": "svg"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "svg"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.py")), ids=lambda p: p.stem)
def test_notebook_cells_stay_short(path):
    """A chapter reads as its argument: a code cell over 40 lines is a step the library should take."""
    import jupytext

    long = {i: n for i, c in enumerate(jupytext.read(path).cells) if c.cell_type == "code"
            and (n := sum(1 for line in c.source.splitlines() if line.strip())) > 40}
    assert not long, f"{path.name}: code cells (index: non-blank lines) {long}"


def test_the_code_passes_ruffs_lint():
    """`make check` runs it first; here so that CI's `make test` enforces it too (pyproject.toml's rules)."""
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run([str(ruff), "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]

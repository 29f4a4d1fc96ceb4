"""The library's layout, as CONTRIBUTING.md describes it: thin notebooks, one shape per paper, no import cycles."""

import ast
import os
from pathlib import Path

import pytest

from emnlp21.book.dependencies import PACKAGE, imported_modules, library_files, module_file

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ("kobayashi", "sinha", "wei", "yamaguchi", "ctal")
# The one documented crossing: CTAL's optional MiniLM text stream loads Kobayashi's packaged model.
ALLOWED_CROSSINGS = {("ctal", "emnlp21.kobayashi.model")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, everywhere: bool = False) -> set[str]:
    """The emnlp21 modules a file imports at module level (what importing it runs), or anywhere in it."""
    names = imported_modules(path, _module_name(path), everywhere=everywhere)
    return {n for n in names if n.split(".")[0] == PACKAGE and module_file(ROOT, n)}


def _graph() -> dict[str, set[str]]:
    files = sorted((ROOT / "emnlp21").rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {}
    for f in files:
        deps = set()
        for d in _imports(f):
            while d not in modules and "." in d:  # an attribute of a module: the module itself
                d = d.rsplit(".", 1)[0]
            deps.add(d)
        graph[_module_name(f)] = deps - {_module_name(f)}
    return graph


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
    """What a chapter's execution key hashes (emnlp21.book.dependencies): relative imports, imports
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
    ctal_figures, evidence = ROOT / "emnlp21/ctal/figures.py", ROOT / "emnlp21/book/evidence.py"
    assert ctal_figures in closure["08_ctal"] and ctal_figures not in closure["06_wei"]
    assert evidence in closure["06_wei"] and evidence in closure["08_ctal"]  # the floor: every chapter


def test_importing_the_library_leaves_the_users_matplotlib_backend_alone():
    """A chapter's first cell picks Agg (book.use_theme); an import must not (a user's own backend)."""
    import subprocess
    import sys

    code = ("import matplotlib; import emnlp21.book, emnlp21.pretraining.tokenizer, emnlp21.sinha.figures; "
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "MPLBACKEND": "svg"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "svg"

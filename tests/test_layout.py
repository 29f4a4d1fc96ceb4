"""The library's layout, as CONTRIBUTING.md describes it: thin notebooks, one shape per paper, no import cycles."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ("kobayashi", "sinha", "wei", "yamaguchi", "ctal")
# The one documented crossing: CTAL's optional MiniLM text stream loads Kobayashi's packaged model.
ALLOWED_CROSSINGS = {("ctal", "emnlp21.kobayashi.model")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, everywhere: bool = False) -> set[str]:
    """The emnlp21 modules a file imports at module level (what importing it runs), or anywhere in it."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in (ast.walk(tree) if everywhere else tree.body):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("emnlp21")}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if target.startswith("emnlp21"):
                # `from . import x` may name a submodule: count it as one when it is a file or package
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    is_module = (ROOT / Path(*sub.split("."))).with_suffix(".py").is_file() or \
                        (ROOT / Path(*sub.split("."))).is_dir()
                    out.add(sub if is_module else target)
    return out


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

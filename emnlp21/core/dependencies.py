"""The library files a notebook can run: the closure of its ``emnlp21`` imports.

A chapter's execution key hashes these files only, so editing ``ctal/figures.py`` re-executes the CTAL
chapter and no other. The closure is read from the source (every ``import`` statement, at the top or
inside a function, relative ones resolved), never by importing: it is a superset of the code that
can run, because the library imports nothing by name at run time (no ``importlib``).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "emnlp21"


def imported_modules(source: Path, module: str | None = None, *, everywhere: bool = True) -> set[str]:
    """Dotted names of the modules ``source`` imports (``module``: its own dotted name, for relative
    imports; None for a script such as a notebook), anywhere in it or (``everywhere=False``) at module
    level only, what importing it runs. ``from a import b`` gives ``a.b``, a submodule or a name defined
    in ``a``: its module is the longest prefix that is a file (:func:`module_file`), and importing it
    imports every package on the way."""
    package = module.split(".") if module else []
    if module and source.name != "__init__.py":
        package = package[:-1]  # a module's relative imports start at its package
    names: set[str] = set()
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in ast.walk(tree) if everywhere else tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(package):
                    raise ImportError(f"{source}: a relative import above the top package")
                base = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            else:
                base = node.module.split(".")
            names.update(".".join(base + ([] if alias.name == "*" else [alias.name])) for alias in node.names)
    return names


def module_file(root: Path, name: str) -> Path | None:
    """The file of dotted module ``name`` under ``root`` (a package's ``__init__.py``), or None."""
    path = root.joinpath(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def library_files(source: Path, root: Path, package: str = PACKAGE) -> list[Path]:
    """Every file of ``package`` (a folder of ``root``) that ``source`` imports, directly or through
    another, with the ``__init__.py`` of each package on the way (importing ``a.b`` runs ``a``'s)."""
    seen: dict[str, Path] = {}
    todo = [(source, None)]
    while todo:
        path, module = todo.pop()
        for name in imported_modules(path, module):
            parts = name.split(".")
            if parts[0] != package:
                continue
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix not in seen and (file := module_file(root, prefix)) is not None:
                    seen[prefix] = file
                    todo.append((file, prefix))
    return sorted(seen.values())

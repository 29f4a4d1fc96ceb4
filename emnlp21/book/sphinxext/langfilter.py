"""Keep one language of a bilingual source: Markdown ``{lang}`` blocks and tagged notebook outputs.

Pure text functions (no Sphinx) so they can be tested on their own; ``bilingual.py`` calls them at
Sphinx's ``source-read`` stage. The block syntax (CONTRIBUTING.md, "Writing both languages")::

    :::{lang} en            ::::{lang} ja
    English prose           日本語の文章，中に :::{note} … ::: があってもよい
    :::                     ::::
"""

from __future__ import annotations

import json
import re

LANGS = ("en", "ja")

_LANG_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\{lang\}\s*(?P<lang>\S*)\s*$")
_FENCE_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\{[^}]*\}")  # any other colon-fenced directive
_FENCE_CLOSE = re.compile(r"^\s*(?P<colons>:{3,})\s*$")
_CODE_FENCE = re.compile(r"^\s*(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")


class LangBlockError(ValueError):
    """A ``{lang}`` block that cannot be filtered; the message says the line and what to write."""


def filter_markdown(text: str, lang: str, where: str = "<text>") -> str:
    """Drop the ``{lang}`` blocks of other languages and unwrap the blocks of ``lang``."""
    if lang not in LANGS:
        raise LangBlockError(f"build language must be one of {LANGS}, not {lang!r}")
    out: list[str] = []
    # Open colon fences, innermost last: (number of colons, language or None for other directives).
    stack: list[tuple[int, str | None]] = []
    code_fence: str | None = None  # the opening ticks while inside a literal code block
    opened_at: list[int] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        dropping = any(block_lang not in (None, lang) for _, block_lang in stack)
        if code_fence is not None:  # literal text: `:::` here is not markup
            if line.strip().startswith(code_fence[0] * len(code_fence)) and not line.strip().strip(code_fence[0]):
                code_fence = None
            if not dropping:
                out.append(line)
            continue
        if m := _CODE_FENCE.match(line):
            info = m["info"].strip()
            if not info.startswith("{") or info.startswith(("{code", "{literalinclude")):
                code_fence = m["ticks"]
            if not dropping:
                out.append(line)
            continue
        if m := _LANG_OPEN.match(line):
            if m["lang"] not in LANGS:
                raise LangBlockError(
                    f"{where}:{number}: unknown language {m['lang']!r} in {line.strip()!r}; "
                    f"write one of {', '.join(LANGS)}, e.g. ':::{{lang}} en'."
                )
            if any(block_lang is not None for _, block_lang in stack):
                raise LangBlockError(f"{where}:{number}: a {{lang}} block inside another {{lang}} block.")
            stack.append((len(m["colons"]), m["lang"]))
            opened_at.append(number)
            continue
        if m := _FENCE_OPEN.match(line):
            stack.append((len(m["colons"]), None))
            opened_at.append(number)
        elif (m := _FENCE_CLOSE.match(line)) and stack and len(m["colons"]) >= stack[-1][0]:
            _, block_lang = stack.pop()
            opened_at.pop()
            if block_lang is not None:
                continue  # the closing line of a {lang} block itself
        if not dropping:
            out.append(line)
    if stack:
        colons, block_lang = stack[-1]
        what = f"{{lang}} {block_lang}" if block_lang else "directive"
        raise LangBlockError(
            f"{where}:{opened_at[-1]}: the {what} block opened with {colons} colons is never closed; "
            f"end it with a line of {colons} colons (use four colons around a block that holds ':::')."
        )
    return "".join(out)


def _source_text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def filter_notebook(raw: str, lang: str, where: str = "<notebook>") -> str:
    """Filter a notebook's JSON: Markdown cells by ``{lang}`` block, outputs by ``metadata.lang``.

    Cells left with no text (and, for code cells, no source and no outputs) are removed.
    """
    nb = json.loads(raw)
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            text = filter_markdown(_source_text(cell.get("source", "")), lang, f"{where} cell {index}")
            if not text.strip():
                continue
            cell["source"] = text
        elif cell.get("cell_type") == "code" and "outputs" in cell:
            cell["outputs"] = [
                o for o in cell["outputs"] if o.get("metadata", {}).get("lang", lang) == lang
            ]
            if not _source_text(cell.get("source", "")).strip() and not cell["outputs"]:
                continue
        cells.append(cell)
    nb["cells"] = cells
    return json.dumps(nb, ensure_ascii=False)

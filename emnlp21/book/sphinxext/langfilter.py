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

from ...core.lang import LANGS

_LANG_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\{lang\}\s*(?P<lang>\S*)\s*$")
_FENCE_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\{[^}]*\}")  # any other colon-fenced directive
_FENCE_CLOSE = re.compile(r"^\s*(?P<colons>:{3,})\s*$")
_CODE_FENCE = re.compile(r"^\s*(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")


def _backtick_fence(line: str, directives: list[str]) -> str | None:
    """Read a backtick (or tilde) fence line: a directive (```` ```{note} ````) opens and its bare fence
    closes it (``directives`` holds the open ones' ticks); any other fence opens literal code, whose
    ticks are returned (``:::`` inside it is text). None for a line that is no fence."""
    m = _CODE_FENCE.match(line)
    if not m:
        return None
    info, ticks = m["info"].strip(), m["ticks"]
    if not info and directives and ticks[0] == directives[-1][0] and len(ticks) >= len(directives[-1]):
        directives.pop()  # the end of a backtick directive
        return ""
    if info.startswith("{") and not info.startswith(("{code", "{literalinclude")):
        directives.append(ticks)
        return ""
    return ticks


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
    directives: list[str] = []  # the ticks of the backtick directives open here (```{note} … ```)
    opened_at: list[int] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        dropping = any(block_lang not in (None, lang) for _, block_lang in stack)
        if code_fence is not None:  # literal text: `:::` here is not markup
            if line.strip().startswith(code_fence[0] * len(code_fence)) and not line.strip().strip(code_fence[0]):
                code_fence = None
            if not dropping:
                out.append(line)
            continue
        if (fence := _backtick_fence(line, directives)) is not None:
            code_fence = fence or None
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


def figure_alts(raw: str, lang: str) -> dict[str, str]:
    """The alt text of a notebook's figures in ``lang`` (``metadata.alt`` of an output, written by
    ``emnlp21.book.show_figure``), keyed by the SHA-256 of the image's bytes: the name myst-nb gives the
    image file, so the site build can find each figure's alt text (``bilingual.py``)."""
    import base64
    import hashlib

    out: dict[str, str] = {}
    for cell in json.loads(raw).get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            meta = output.get("metadata", {})
            if meta.get("lang", lang) != lang or not str(meta.get("alt", "")).strip():
                continue
            for mime in ("image/png", "image/jpeg"):
                data = output.get("data", {}).get(mime)
                if data:
                    out[hashlib.sha256(base64.b64decode(_source_text(data))).hexdigest()] = str(meta["alt"]).strip()
    return out


def lang_blocks(text: str) -> list[tuple[str, int, str]]:
    """The top-level ``{lang}`` blocks of a Markdown text: ``(language, first line, content)`` in order
    (the same reading as :func:`filter_markdown`: literal code blocks hold none)."""
    blocks: list[tuple[str, int, str]] = []
    stack: list[tuple[int, str | None]] = []
    code_fence: str | None = None
    directives: list[str] = []
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if code_fence is not None:
            if line.strip().startswith(code_fence[0] * len(code_fence)) and not line.strip().strip(code_fence[0]):
                code_fence = None
        elif (fence := _backtick_fence(line, directives)) is not None:
            code_fence = fence or None
        elif (m := _LANG_OPEN.match(line)) and not stack:
            stack.append((len(m["colons"]), m["lang"]))
            blocks.append((m["lang"], number, ""))
            current = []
            continue
        elif m := _FENCE_OPEN.match(line):
            stack.append((len(m["colons"]), None))
        elif (m := _FENCE_CLOSE.match(line)) and stack and len(m["colons"]) >= stack[-1][0]:
            stack.pop()
            if not stack and current is not None:
                lang, first, _ = blocks[-1]
                blocks[-1] = (lang, first, "".join(current))
                current = None
                continue
        if current is not None:
            current.append(line)
    return blocks


def twin_problems(text: str, where: str = "<text>") -> list[str]:
    """Where a ``{lang}`` block has no twin in the other language: the blocks must come in pairs, one
    English and one Japanese next to each other (either first), each with text, and with the same
    headings (their levels, in order)."""
    problems = []
    blocks = lang_blocks(text)
    heading_levels = lambda body: [len(m) for m in re.findall(r"^(#{1,6})\s", body, re.M)]  # noqa: E731
    i = 0
    while i < len(blocks):
        lang, line, body = blocks[i]
        if i + 1 >= len(blocks) or blocks[i + 1][0] == lang:
            other = "ja" if lang == "en" else "en"
            problems.append(f"{where}:{line}: the {{lang}} {lang} block has no {{lang}} {other} twin next to it")
            i += 1
            continue
        twin_lang, twin_line, twin = blocks[i + 1]
        for lg, ln, b in ((lang, line, body), (twin_lang, twin_line, twin)):
            if not b.strip():
                problems.append(f"{where}:{ln}: the {{lang}} {lg} block is empty")
        if heading_levels(body) != heading_levels(twin):
            problems.append(f"{where}:{line}: the {lang} block's headings {heading_levels(body)} differ from its "
                            f"{twin_lang} twin's {heading_levels(twin)} (line {twin_line})")
        i += 2
    return problems

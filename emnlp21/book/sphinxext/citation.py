"""``{cite-this-book}``: where the code is, under which licences, and a BibTeX entry for the book.

The entry is made from ``CITATION.cff`` (title, authors, version, date, licences) and the repository's
address from ``_config.yml`` (``repository: url:``, which Jupyter Book passes to the theme as
``repository_url``): one place each, so a fork that sets its own address cites itself.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

LICENCE_WORDS = {
    "en": "Code: {code} licence ({code_file}); text and figures: {text} ({text_file}).",
    "ja": "コード：{code} ライセンス（{code_file}），本文と図：{text}（{text_file}）。",
}
REPOSITORY_WORDS = {"en": "Repository: ", "ja": "リポジトリ："}
LICENCE_NAMES = {"CC-BY-4.0": "CC BY 4.0"}  # SPDX identifier -> the name a reader knows


def citation_file(srcdir: str | Path) -> dict:
    path = Path(srcdir) / "CITATION.cff"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _author(a: dict) -> str:
    if "name" in a:  # an entity: braces keep BibTeX from splitting it into first and last names
        return "{" + a["name"] + "}"
    return f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")


def bibtex(cff: dict, repository: str) -> str:
    """A ``@software`` entry (biblatex; BibTeX styles read it as ``@misc``) for the book."""
    year = str(cff.get("date-released", ""))[:4]
    fields = {
        "title": "{" + cff["title"] + "}",
        "author": " and ".join(_author(a) for a in cff.get("authors", [])),
        "year": year,
        "version": str(cff.get("version", "")),
        "url": repository or cff.get("repository-code", ""),
        "license": ", ".join(cff["license"]) if isinstance(cff.get("license"), list) else cff.get("license", ""),
        "note": "Retells the talk by Goro Kobayashi (IPSJ SIG-NL 251, 3 December 2021) and recomputes its claims",
    }
    width = max(map(len, fields))
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields.items() if v)
    return f"@software{{emnlp21book,\n{body}\n}}"


class CiteThisBook(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        lang = self.config.language
        try:
            cff = citation_file(self.env.srcdir)
        except (OSError, yaml.YAMLError) as error:
            raise self.error(f"cannot read CITATION.cff beside _config.yml: {error}")
        self.env.note_dependency(str(Path(self.env.srcdir) / "CITATION.cff"))
        repository = (self.config.html_theme_options or {}).get("repository_url", "") or cff.get("repository-code", "")
        licences = cff.get("license") if isinstance(cff.get("license"), list) else [cff.get("license", "")]
        code, text = (LICENCE_NAMES.get(name, name) for name in (licences + [licences[0]])[:2])
        where = nodes.paragraph(classes=["cite-repository"])
        where += nodes.Text(REPOSITORY_WORDS[lang])
        where += nodes.reference("", repository, refuri=repository)
        where += nodes.Text(" · " + LICENCE_WORDS[lang].format(code=code, code_file="LICENSE", text=text,
                                                               text_file="LICENSE-text"))
        block = nodes.literal_block(bibtex(cff, repository), bibtex(cff, repository), language="bibtex",
                                    classes=["cite-bibtex"])
        return [where, block]


def setup(app: Sphinx) -> dict:
    app.add_directive("cite-this-book", CiteThisBook)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Every chapter page ends with how to rerun it, and its prose can quote the profile.

* A folded "Rerun this chapter" box at the end of every chapter page, generated from the profiles and
  the chapter's provenance record: the run the page shows (profile, machine, seconds), the commands
  that rerun it (the book's executor, papermill with another profile or one parameter changed), what
  the artefact cache keeps, and the chapter's parameters with their quick and full values and what
  each means (the comment beside it in ``profiles/quick.yaml``, else ``full.yaml``).
* The role ``{param}`section.name``` writes a parameter's value in the profile the chapter ran with
  (``quick`` before it ran): prose that describes the design never types a number the profile sets.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from .pages import chapter_pages
from .scoreboard import claims_folder

PROFILES = ("quick", "full")
_COMMENTED = re.compile(r"^\s+(?P<key>[A-Za-z_]\w*):[^#]*#\s*(?P<comment>.+?)\s*$")
WORDS = {
    "en": {"summary": "Rerun this chapter", "ran": "This page ran with the profile {profile} on {machine} in {seconds:.0f} s.",
           "not_run": "This page has not been executed yet.",
           "commands": "The book's executor reruns it (the cache makes a rerun with unchanged parameters take "
                       "seconds); papermill runs it with another profile, or with one parameter changed:",
           "cache": "Trained models, fine-tuning scores and speech features are kept in the artefact cache "
                    "(~/.cache/emnlp21, or $EMNLP21_CACHE), each under a hash of what determines it: a rerun "
                    "reads back what did not change and trains what did. The README gives cold and warm "
                    "times of the whole book on 2 cores.",
           "heads": ("parameter", "quick", "full", "meaning"), "same": "= quick"},
    "ja": {"summary": "この章を再実行する",
           "ran": "このページはプロファイル {profile} で {machine} 上で実行し，{seconds:.0f} 秒かかりました。",
           "not_run": "このページはまだ実行されていません。",
           "commands": "本書の実行器で再実行できます（パラメータが同じならキャッシュから数秒で戻ります）。"
                       "papermill なら別のプロファイルや一つのパラメータを変えて実行できます：",
           "cache": "学習済みモデル，fine-tuning の結果，音声特徴はアーティファクトのキャッシュ（~/.cache/emnlp21 "
                    "または $EMNLP21_CACHE）に，それを決める設定のハッシュごとに保存されます。再実行では変わらない"
                    "ものは読み戻し，変わったものだけを学習します。本全体の 2 コアでのコールド／ウォームの時間は "
                    "README にあります。",
           "heads": ("パラメータ", "quick", "full", "意味"), "same": "= quick"},
}


_SECTION = re.compile(r"^(?P<name>[A-Za-z_]\w*):(?:\s*&(?P<anchor>\w+))?")
_MERGE = re.compile(r"^\s+<<:\s*(?P<refs>.+?)\s*(?:#.*)?$")


def parameter_meanings(root: Path, section: str) -> dict[str, str]:
    """parameter name -> the comment beside it in ``section`` of ``profiles/quick.yaml``, then in the
    blocks that section merges (``<<: *real_text``), then in ``full.yaml``: a name means what its own
    section says (``seed`` is a pre-training seed in one chapter and a design seed in another)."""
    out: dict[str, str] = {}
    for profile in PROFILES:
        path = root / "profiles" / f"{profile}.yaml"
        blocks: dict[str, dict[str, str]] = {}  # section -> its own comments
        merges: dict[str, list[str]] = {}
        anchors: dict[str, str] = {}
        current = None
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            if m := _SECTION.match(line):
                current = m["name"]
                if m["anchor"]:
                    anchors[m["anchor"]] = current
            elif current and (m := _MERGE.match(line)):
                merges[current] = re.findall(r"\*(\w+)", m["refs"])
            elif current and (m := _COMMENTED.match(line)):
                blocks.setdefault(current, {}).setdefault(m["key"], m["comment"])
        for name in [section, *(anchors.get(a, "") for a in merges.get(section, []))]:
            for key, comment in blocks.get(name, {}).items():
                out.setdefault(key, comment)
    return out


def section_values(root: Path, profile: str, section: str) -> dict:
    """The parameters of ``section`` in ``root/profiles/<profile>.yaml`` (merge keys applied by the YAML
    loader): the book being built, which need not be the working directory's."""
    path = root / "profiles" / f"{profile}.yaml"
    values = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section) if path.is_file() else None
    return dict(values) if isinstance(values, dict) else {}


def format_value(value, lang: str) -> str:
    """A parameter as the prose writes it: numbers with separators, lists joined in the language."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        items = [format_value(v, lang) for v in value]
        if lang == "ja":
            return "，".join(items)
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _record(app: Sphinx, section: str) -> dict:
    path = claims_folder(app) / "provenance" / f"{section}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _ran_profile(app: Sphinx, section: str) -> str:
    profile = str(_record(app, section).get("profile", "quick")).removesuffix(" (dry run)")
    return profile if profile in PROFILES else "quick"


def rerun_html(section: str, name: str, lang: str, record: dict, root: Path) -> str:
    """The folded box of a chapter (``name``: its notebook, e.g. ``06_wei``)."""
    w = WORDS[lang]
    e = html.escape
    quick, full = section_values(root, "quick", section), section_values(root, "full", section)
    meanings = parameter_meanings(root, section)
    ran = (w["ran"].format(profile=record["profile"], machine=record.get("machine", "?"), seconds=record["seconds"])
           if record.get("seconds") is not None else w["not_run"])
    example = next((k for k in ("seeds", "seed", "finetune_seeds") if k in quick), None)
    value = [1] if example and isinstance(quick[example], list) else 1
    changed = f" -y '{json.dumps({example: value})}'" if example else ""  # -y: a YAML value (a list)
    commands = "\n".join([
        f".venv/bin/python -m emnlp21.book execute --only {section} --force",
        f".venv/bin/jupytext --to ipynb notebooks/{name}.py",
        f".venv/bin/papermill notebooks/{name}.ipynb out.ipynb -p profile full",
        f".venv/bin/papermill notebooks/{name}.ipynb out.ipynb -p profile quick{changed}"])
    rows = "".join(
        f"<tr><td><code>{e(k)}</code></td><td>{e(format_value(v, lang))}</td>"
        f"<td>{e(w['same'] if full.get(k, v) == v else format_value(full[k], lang))}</td>"
        f"<td>{e(meanings.get(k, ''))}</td></tr>"
        for k, v in quick.items())
    heads = "".join(f"<th>{e(h)}</th>" for h in w["heads"])
    return (f'<details class="rerun-chapter" id="rerun-{e(section)}"><summary>{e(w["summary"])}</summary>'
            f"<p>{e(ran)}</p><p>{e(w['commands'])}</p><pre>{e(commands)}</pre><p>{e(w['cache'])}</p>"
            f'<div class="rerun-scroll"><table class="rerun-parameters"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></details>")


def add_rerun_box(app: Sphinx, doctree: nodes.document) -> None:
    sections = {page: section for section, page in chapter_pages(app.srcdir).items()}
    section = sections.get(app.env.docname)
    if section is None:
        return
    name = app.env.docname.rsplit("/", 1)[-1]
    box = rerun_html(section, name, app.config.language, _record(app, section), Path(app.srcdir))
    doctree += nodes.raw("", box, format="html")


class ParamRole(SphinxRole):
    """``{param}`wei.wei_levels``` -> "0, 2, 8, 32 and 128" (the profile the chapter ran with)."""

    def run(self):
        section, _, key = self.text.partition(".")
        profile = _ran_profile(self.env.app, section)
        values = section_values(Path(self.env.srcdir), profile, section)
        if key not in values:
            msg = self.inliner.reporter.error(f"{{param}}: profiles/{profile}.yaml has no {section}.{key}",
                                              line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        return [nodes.inline(self.rawtext, format_value(values[key], self.env.config.language),
                             classes=["profile-value"])], []


def setup(app: Sphinx) -> dict:
    app.add_role("param", ParamRole())
    app.connect("doctree-read", add_rerun_box)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

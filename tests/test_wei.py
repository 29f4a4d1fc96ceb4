"""Invariants of the Wei+ 2021 chapter's library (emnlp21/wei/): exact corpus control, agreement labels,
seen/unseen marking, the baselines' definitions and the scoring paths."""

import numpy as np
import pandas as pd
import pytest

from emnlp21 import wei
from emnlp21.wei import VerbPair

RULES, WALKS = VerbPair("rules", "rule"), VerbPair("walks", "walk")
TRAIN = [
    "The king rules the land.", "The kings rule the land.", "A man walks home.", "Men walk home.",
    "The king rules and the man walks.",  # two controlled forms: never used as a donor sentence
    "The people rule; the king rules.",  # two controlled forms
    "Rules are rules.",  # "rules" twice: not a clean donor
    "The sea is wide.", "Birds fly south.", "The man walks to the king who rules.",
    "Walk with me.", "The river walks? No, it flows.", "Night falls.",
]


def _count(sentences, form):
    return sum(wei.words(s).count(form) for s in sentences)


@pytest.mark.parametrize("lemma,expected", [("rule", "rules"), ("teach", "teaches"), ("carry", "carries"),
                                            ("play", "plays"), ("go", "goes"), ("be", "is"), ("have", "has"),
                                            ("fix", "fixes"), ("do", "does")])
def test_third_person(lemma, expected):
    assert wei.third_person(lemma) == expected


def test_verb_pair_forms_and_errors():
    assert VerbPair.from_lemma("be") == VerbPair("is", "are")
    assert RULES.form("sg") == "rules" and RULES.other("sg") == "rule"
    with pytest.raises(ValueError):
        VerbPair("put", "put")
    with pytest.raises(ValueError):
        RULES.form("plural")


@pytest.mark.parametrize("requested", [{RULES: (0, 0), WALKS: (1, 1)}, {RULES: (3, 1), WALKS: (0, 5)},
                                       {RULES: (7, 2), WALKS: (2, 0)}])
def test_control_hits_requested_counts_exactly(requested):
    out = wei.control_verb_counts(TRAIN, requested, seed=1)
    for verb, (n_sg, n_pl) in requested.items():
        assert _count(out.sentences, verb.singular) == n_sg
        assert _count(out.sentences, verb.plural) == n_pl
    row = out.design.set_index("singular").loc["rules"]
    assert row["requested_sg"] == requested[RULES][0]
    # untouched sentences all kept, in their original order
    forms = {f for v in requested for f in (v.singular, v.plural)}
    untouched = [s for s in TRAIN if not forms & set(wei.words(s))]
    assert [s for s in out.sentences if not forms & set(wei.words(s))] == untouched
    # every added sentence is a real sentence of the corpus
    assert set(out.sentences) <= set(TRAIN)
    assert out.removed == sum(bool(forms & set(wei.words(s))) for s in TRAIN)


def test_control_is_deterministic_and_records_repeats():
    a = wei.control_verb_counts(TRAIN, {RULES: (5, 1), WALKS: (1, 1)}, seed=3)
    b = wei.control_verb_counts(TRAIN, {RULES: (5, 1), WALKS: (1, 1)}, seed=3)
    assert a.sentences == b.sentences
    row = a.design.set_index("singular").loc["rules"]
    assert row["available_sg"] == 1 and row["distinct_sg"] == 1  # only "The king rules the land." is clean


def test_control_rejects_bad_requests():
    with pytest.raises(ValueError, match="no sentence"):
        wei.control_verb_counts(TRAIN, {VerbPair("sings", "sing"): (1, 0)})
    with pytest.raises(ValueError, match=">= 0"):
        wei.control_verb_counts(TRAIN, {RULES: (-1, 0)})


def test_assign_design_covers_cells_where_it_can_and_draws_verbs_at_random():
    verbs = [VerbPair(f"v{i}s", f"v{i}") for i in range(4)]
    pools = {f"v{i}s": 10 ** i for i in range(4)} | {f"v{i}": 10 ** i for i in range(4)}
    design = wei.assign_design(verbs, pools, wei.frequency_grid([1, 50]), repeats=1)
    assert sorted(design.values()) == sorted(wei.frequency_grid([1, 50]))
    covered = [v for v, (a, b) in design.items() if pools[v.singular] >= a and pools[v.plural] >= b]
    assert len(covered) == 3  # only two verbs can give 50 sentences: the third 50-cell must repeat
    assert design[verbs[0]] != (50, 50)
    assert wei.assign_design(verbs, pools, wei.frequency_grid([1, 50]), seed=3) == \
        wei.assign_design(verbs, pools, wei.frequency_grid([1, 50]), seed=3)  # seeded
    # verbs whose pools all cover every cell: the cell a verb gets does not follow its pool size
    many = [VerbPair(f"w{i}s", f"w{i}") for i in range(40)]
    big = {f: 100 + 10 * i for i, v in enumerate(many) for f in (v.singular, v.plural)}
    ranks = []
    for seed in range(30):
        d = wei.assign_design(many, big, [(16, 16)] + [(1, 1)] * 9, seed=seed)
        ranks.append(many.index(next(v for v, c in d.items() if c == (16, 16))))
    assert len(set(ranks)) > 10 and 10 < np.mean(ranks) < 30  # not always the largest pool (index 39)
    with pytest.raises(ValueError, match="candidates"):
        wei.assign_design(verbs[:2], pools, wei.frequency_grid([1, 50]))


def test_word_counts_agree_with_direct_counts():
    wc = wei.WordCounts(TRAIN)
    for w in ["rules", "rule", "king", "walks", "absent"]:
        assert wc.count(w) == _count(TRAIN, w)
    direct = sum(("king" in wei.words(s)) and ("rules" in wei.words(s)) for s in TRAIN)
    assert wc.sentences_with("king", "rules") == direct == 4
    co = wc.cooccurrence(["king", "man"], ["rules", "walks", "nothing"])
    assert co.shape == (2, 3) and co[1, 1] == 3 and co[:, 2].sum() == 0


def test_seen_marking_and_baselines_follow_their_definitions():
    items = pd.DataFrame({"subject": ["king", "man", "kings", "dog"], "correct": ["rules", "walks", "rule", "walks"],
                          "wrong": ["rule", "walk", "rules", "walk"], "condition": "natural", "error": 0.0})
    out = wei.add_baselines(wei.add_training_counts(items, wei.WordCounts(TRAIN)))
    wc = wei.WordCounts(TRAIN)
    for r in out.itertuples():
        assert r.count_correct == wc.count(r.correct) and r.count_wrong == wc.count(r.wrong)
        assert r.pair_correct == wc.sentences_with(r.subject, r.correct)
        assert r.seen == (r.pair_correct + r.pair_wrong >= 1)  # with either form: the paper's "seen"
    assert out["seen"].tolist() == [True, True, True, False]
    # toy table: argmax picks the larger count; a tie is a coin flip
    assert wei.argmax_error([5, 1, 0, 2], [1, 5, 0, 2]).tolist() == [0.0, 1.0, 0.5, 0.5]
    # "dog" never occurs: P(SV) ties at 0 → 0.5; "walks" (3) vs "walk" (2) → argmax P(V) right
    dog = out.iloc[3]
    assert dog["argmax_sv"] == 0.5 and dog["argmax_v"] == 0.0


def test_error_table_means():
    items = pd.DataFrame({"condition": ["natural"] * 4 + ["nonce"] * 2, "seen": [True, True, False, False, True, False],
                          "error": [0, 1, 1, 1, 0, 0], "argmax_v": [0.5] * 6, "argmax_sv": [0, 0, 1, 1, 0.5, 0.5]})
    t = wei.error_table(items)
    assert t.loc["MLM (ours)", ("natural", "seen")] == 50 and t.loc["MLM (ours)", ("natural", "unseen")] == 100
    assert t.loc["argmax P(SV)", ("natural", "unseen")] == 100 and t.loc["items", ("nonce", "seen")] == 1


# --- stimuli from a real parse (spaCy's small English model, offline) -------------------------------

HAND_CHECKED = [  # sentence, subject, verb, correct, wrong, attractors
    ("The keys to the old cabinet are on the table.", "keys", "are", "are", "is", 1),
    ("The king of the nations rules over them.", "king", "rules", "rules", "rule", 1),
    ("The men who live here have no bread.", "men", "have", "have", "has", 0),
    ("The author of the books was a farmer.", "author", "was", "was", "were", 1),
    ("The children sing in the street.", "children", "sing", "sing", "sings", 0),
]


@pytest.fixture(scope="module")
def nlp():
    pytest.importorskip("spacy")
    return wei.load_parser()


def test_mined_frames_have_hand_checked_labels(nlp):
    frames, nouns, verbs = wei.mine([s for s, *_ in HAND_CHECKED], nlp)
    items = wei.natural_items(frames).set_index("subject")
    for sentence, subject, verb, correct, wrong, attractors in HAND_CHECKED:
        row = items.loc[subject]
        assert (row["verb"], row["correct"], row["wrong"], row["attractors"]) == (verb, correct, wrong, attractors)
        assert row["masked"].count("[MASK]") == 1 and row["masked"].replace("[MASK]", verb) == sentence
    assert "live" in set(verbs["lemma"]) and "rule" in set(verbs["lemma"])
    _, nouns, _ = wei.mine(["The key is lost.", "The keys are lost."], nlp)
    assert list(zip(nouns["singular"], nouns["plural"])) == [("key", "keys")]


def test_frames_skip_pronouns_conjoined_and_archaic_subjects(nlp):
    frames, _, _ = wei.mine(["He walks home.", "The man and the woman are here.", "Thy servant hath done it."], nlp)
    assert frames.empty


def test_nonce_sentences_replace_only_the_subject(nlp):
    frames, _, _ = wei.mine(["The king of the nations rules over them.", "These men walk home."], nlp)
    nouns = pd.DataFrame({"singular": ["stone", "cloud"], "plural": ["stones", "clouds"], "seen": [3, 2]})
    out = wei.nonce_sentences(frames, nouns, per_frame=2, seed=0)
    king = out[out["frame_text"].str.startswith("The king")]
    assert set(king["number"]) == {"sg", "pl"}  # "the" fits both numbers
    for r in king.itertuples():
        assert r.masked == f"The {r.subject} of the nations [MASK] over them."
        assert r.attractors == (1 if r.number == "sg" else 0)  # "nations" attracts a singular subject only
    these = out[out["frame_text"].str.startswith("These")]
    assert set(these["number"]) == {"pl"}  # "these" marks plural: the number is kept


# --- scoring paths agree --------------------------------------------------------------------------

def test_nonce_and_natural_scoring_agree_on_the_same_sentence():
    from emnlp21 import pretraining as pt

    text = TRAIN * 20 + ["the kings walk and the king walks while the men rule"] * 20
    tok = pt.train_tokenizer(text, vocab_size=200)
    cfg = pt.PretrainConfig.for_corpus("wei-test", text, tok, layers=1, hidden=32, heads=2, intermediate=64,
                                       steps=0, seq_len=16, max_positions=32)
    model = pt.pretrain(cfg, text, tok, progress=False, device="cpu")
    sentence = "the king of the nations [MASK] over them ."
    nat = pd.DataFrame({"masked": [sentence], "correct": ["rules"], "wrong": ["rule"]})
    nat = pt.score_forms(nat, model)
    nonce = wei.score_nonce(pd.DataFrame({"masked": [sentence], "number": ["sg"], "subject": ["king"]}),
                            [RULES, WALKS], model)
    assert len(nonce) == 2
    assert nonce.loc[nonce["correct"] == "rules", "margin"].item() == pytest.approx(nat["margin"].item(), abs=1e-5)
    assert ((nonce["margin"] <= 0) == (nonce["error"] == 1)).all()
    with pytest.raises(ValueError, match="exactly one"):
        pt.mask_logits(model, ["no mask here"], [5])


# --- the controlled grammar (Wei+ 2021's design in emnlp21/grammar.py) ------------------------------

from emnlp21 import grammar as g  # noqa: E402
from emnlp21.book import Claims, Control  # noqa: E402
from emnlp21.wei import grammar_setting as gs  # noqa: E402
from emnlp21.wei import verdicts  # noqa: E402

LEVELS = (0, 1, 3, 9)


@pytest.fixture(scope="module")
def designed():
    design = g.frequency_design(LEVELS, seed=2)
    corpus = g.wei_corpus(300, design, seed=2, cross_field=0.3)
    return design, corpus


def test_design_crosses_every_level_pair_in_each_field(designed):
    design, _ = designed
    for field, d in design.groupby("field"):
        assert sorted(zip(d.n_sg, d.n_pl)) == sorted((a, b) for a in LEVELS for b in LEVELS)
    assert set(design.half) == {0, 1}
    base = {w for lex in g.LEXICON.values() for k in ("nouns", "vt", "vi") for forms in lex[k] for w in forms}
    assert not (set(design.singular) | set(design.plural)) & base  # the base grammar never uses a controlled form


def test_controlled_form_and_pair_counts_are_exact_on_a_recount(designed):
    design, corpus = designed
    words = [s.split() for s in corpus.sentences]
    for v in design.itertuples():
        assert sum(ws.count(v.singular) for ws in words) == v.n_sg
        assert sum(ws.count(v.plural) for ws in words) == v.n_pl
    recount = {}
    forms = set(design.singular) | set(design.plural)
    for ws in words:
        for f in forms & set(ws):
            for noun in set(ws) & set(NOUNS):
                recount[(noun, f)] = recount.get((noun, f), 0) + 1
    assert recount == {(r.noun, r.form): r.sentences for r in corpus.pairs.itertuples()}
    wc = wei.WordCounts(corpus.sentences)
    r = corpus.pairs.iloc[0]
    assert wc.sentences_with(r.noun, r.form) == r.sentences


NOUNS = {w for lex in g.LEXICON.values() for pair in lex["nouns"] for w in pair}


def test_unseen_pairs_never_share_a_training_sentence(designed):
    design, corpus = designed
    sets = [set(s.split()) for s in corpus.sentences]
    for v in design.itertuples():
        other_half = {w for f in g.FIELDS for pair in g.LEXICON[f]["nouns"][1 - v.half::2] for w in pair}
        for ws in sets:
            if v.singular in ws or v.plural in ws:
                assert not ws & other_half, (v.lemma, ws)


def test_nonce_items_are_natural_templates_with_the_other_fields_words(designed):
    design, _ = designed
    items = g.wei_items(design, seed=0)
    tags = g.word_tags()
    assert set(items.condition) == {"natural", "nonce"} and (items.groupby("twin").size() == 2).all()
    for _, pair in items.groupby("twin"):
        nat, non = pair[pair.condition == "natural"].iloc[0], pair[pair.condition == "nonce"].iloc[0]
        assert g.template(nat.masked) == g.template(non.masked)
        assert (nat.correct, nat.wrong, nat.number) == (non.correct, non.wrong, non.number)
        other = g.FIELDS[1 - g.FIELDS.index(nat.field)]
        assert {tags[w][1] for w in nat.masked.split() if w != "[MASK]"} <= {nat.field, ""}
        assert {tags[w][1] for w in non.masked.split() if w != "[MASK]"} <= {other, ""}
    # natural items cover every noun of the verb's field as subject, both numbers, with and without attractor
    one = items[(items.lemma == design.lemma[0]) & (items.condition == "natural")]
    assert len(one) == 12 * 2 * 2 and one.attractor.sum() == 24


def test_argmax_sv_is_a_coin_flip_on_unseen_items_by_construction(designed):
    design, corpus = designed
    items = wei.add_baselines(wei.add_training_counts(g.wei_items(design, seed=0), wei.WordCounts(corpus.sentences)))
    items = items.merge(design[["lemma", "half"]], on="lemma")
    unseen = items[~items.seen]
    assert len(unseen) and (unseen.argmax_sv == 0.5).all() and (unseen.pair_correct + unseen.pair_wrong == 0).all()
    other_half = items.noun_index % 2 != items.half  # designed unseen: always unseen
    assert (~items.seen[other_half]).all()
    assert items.seen.any() and items[items.seen].argmax_sv.ne(0.5).any()


def test_a_subject_blind_learner_cannot_pass_the_positive_control():
    probe = gs.control_probe(400, seed=0)
    assert (probe.number == "sg").sum() == 200 and probe.construction.ne("none").all()
    # argmax P(V): always the same form of each verb, whatever the subject
    prefer = {c: min(c, w) for c, w in zip(probe.correct, probe.wrong)}
    blind = probe.assign(error=[float(prefer[c] != c) for c in probe.correct])
    assert not gs.agreement_control(blind).passed
    assert 0.3 < blind.error.mean() < 0.7
    reader = probe.assign(error=0.0)
    assert gs.agreement_control(reader).passed
    nearly = probe.assign(error=[float(i % 10 == 0) for i in range(len(probe))])  # 90 %: its interval reaches below
    assert not gs.agreement_control(nearly).passed


SOURCES = {k: ("s", "s") for k in ("table2", "overall", "reduce", "cause")}
FINDINGS = ("natural_below_nonce", "unseen_worse", "unseen_beat_item_learner", "reduce_error", "cause_error")


def synthetic_items(seeds=(0, 1, 2), direction=1.0, items_per_verb=16, rng_seed=0):
    """Scored items of verbs on a count grid, every seed scoring the same items in the same order: the
    paper's effects times ``direction`` (+1 the paper's, −1 reversed, 0 none) — nonce +15 points, unseen
    +10, −5 points per doubling of the target, +5 per doubling of the competitor. The mean error
    stays near 20 %, well below argmax P(V)'s 50 %, in every direction."""
    rng = np.random.default_rng(rng_seed)
    cells = [(a, b) for a in LEVELS for b in LEVELS] * 2
    rows = []
    for seed in seeds:
        for k, (t, c) in enumerate(cells):
            for cond in ("natural", "nonce"):
                for i in range(items_per_verb):
                    seen = i % 2 == 0
                    p = 0.2 - 0.125 * direction + direction * (0.15 * (cond == "nonce") + 0.10 * (not seen)
                                                         - 0.05 * np.log2(t + 1) + 0.05 * np.log2(c + 1))
                    rows.append({"condition": cond, "seed": seed, "verb": f"v{k}", "number": ("sg", "pl")[i % 4 // 2],
                                 "correct": f"v{k}-{i % 4 // 2}", "target": t, "competitor": c,
                                 "count_correct": t, "count_wrong": c,
                                 "error": float(rng.random() < np.clip(p, 0.02, 0.98)),
                                 "argmax_v": 0.5 if t == c else float(c > t),
                                 "argmax_sv": 0.0 if seen else 0.5, "seen": seen})
    return pd.DataFrame(rows)


def test_seen_and_unseen_are_compared_within_verb_and_a_frequency_confound_is_not_an_effect():
    """A learner whose error is the verb's frequency alone, with the unseen pairs on the rare verbs: the
    pooled contrast would show unseen worse; within verb (both forms counted) there is nothing."""
    rng = np.random.default_rng(1)
    rows = []
    for seed in (0, 1, 2):
        for k in range(40):
            count = 2 ** (k % 8)  # 1 … 128
            for cond in ("natural", "nonce"):
                for i in range(12):
                    seen = i < (10 if count >= 16 else 2)  # rare verbs: mostly unseen pairs
                    rows.append({"condition": cond, "seed": seed, "verb": f"v{k}", "number": ("sg", "pl")[i % 2],
                                 "correct": f"v{k}-{i % 2}", "target": np.nan, "competitor": np.nan,
                                 "count_correct": count, "count_wrong": count,
                                 "error": float(rng.random() < 0.6 / np.log2(count + 2)),
                                 "argmax_v": 0.5, "argmax_sv": 0.0 if seen else 0.5, "seen": seen})
    items = pd.DataFrame(rows)
    units = verdicts.with_units(items)
    pooled = units.loc[~units.seen, "error"].mean() - units.loc[units.seen, "error"].mean()
    assert pooled > 0.1  # the confound, pooled over verbs
    both = verdicts.within_verb(units, units["seen"])
    assert both.all()  # every verb has both kinds of pair and both forms counted
    units0 = units.assign(count_wrong=np.where(units.verb == "v0", 0, units.count_wrong))
    assert not verdicts.within_verb(units0, units0["seen"])[units0.verb == "v0"].any()  # a zero count: left out
    _, got = _verdicts(items)
    e = got["unseen_worse"].interval
    assert got["unseen_worse"].verdict != "holds" and e.low < 0.5 * 100 * pooled, e


def _verdicts(items, controls=(Control("c", "c", True),)):
    claims = Claims("wei", "test")
    verdicts.add_claims(claims, items, controls=list(controls), setting="grammar", label=("g", "g"), source=SOURCES)
    return claims, {c.id.split(".")[-1]: c for c in claims.items}


def test_frequency_slopes_recover_a_known_effect():
    items = synthetic_items(seeds=(0,), items_per_verb=40)
    fit = verdicts.frequency_slopes(items)
    assert fit.loc["nonce", "b_target"] == pytest.approx(-0.05, abs=0.02)
    assert fit.loc["nonce", "b_competitor"] == pytest.approx(0.05, abs=0.02)
    est, per = verdicts.slope_estimate(items, "target")
    assert est.value == pytest.approx(100 * fit["b_target"].mean())
    assert per["nonce"] == pytest.approx(100 * fit.loc["nonce", "b_target"])
    assert est.low < -5 < est.high and est.resamples == 10_000 and est.items == 32  # clusters: the verbs


def test_the_weighted_fit_of_every_replicate_is_least_squares_on_the_drawn_units():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(12), rng.normal(size=12), rng.normal(size=12)])
    verb, Y = np.repeat(np.arange(6), 2), rng.normal(size=(3, 12))
    wv = rng.multinomial(6, np.full(6, 1 / 6), size=5).astype(float)
    ws = rng.multinomial(3, np.full(3, 1 / 3), size=5).astype(float)
    got = verdicts.weighted_fit(X, verb, Y, wv, ws)
    for b in range(5):
        reps = [(s, u) for s in range(3) for u in range(12) for _ in range(int(ws[b, s] * wv[b, verb[u]]))]
        if np.linalg.matrix_rank(X[[u for _, u in reps]]) < 3:
            assert np.isnan(got[b]).all()
            continue
        want, *_ = np.linalg.lstsq(X[[u for _, u in reps]], Y[[s for s, _ in reps], [u for _, u in reps]], rcond=None)
        assert got[b] == pytest.approx(want)
    # inflation: deviations across seeds scaled by sqrt(S / (S - 1)), the mean kept
    same = verdicts.weighted_fit(X, verb, Y, np.ones((1, 6)), np.ones((1, 3)), inflate=True)
    assert same[0] == pytest.approx(verdicts.weighted_fit(X, verb, Y, np.ones((1, 6)), np.ones((1, 3)))[0])


def test_the_cluster_difference_resamples_verbs_once_for_both_conditions():
    """Verbs, not items, are the units, and a verb is drawn once for every condition: a verb's effect that
    is the same in both conditions must not be counted twice as independent noise."""
    from emnlp21.core import evidence

    rng = np.random.default_rng(3)
    n = 600
    verb = rng.integers(0, 30, n)
    effect = rng.normal(0, 15, 30)[verb]  # each verb's own effect on arm a, the same in both conditions
    rows = [pd.DataFrame({"arm": arm, "task": task, "pretrain_seed": s, "item": np.arange(n), "verb": verb,
                          "score": 100 * (rng.random(n) < p / 100)})
            for task in ("in", "across") for s in range(3)
            for arm, p in (("a", np.clip(40 + effect, 1, 99)), ("b", np.full(n, 30.0)))]
    scores = pd.concat(rows, ignore_index=True)
    ours = verdicts.cluster_difference(scores, "a", "b", test="t")
    per_task = evidence.difference(scores, "a", "b", clusters="verb")  # conditions drawn independently
    items_only = evidence.difference(scores, "a", "b")  # items as if independent
    assert ours.value == pytest.approx(per_task.value) and (ours.pretrain_seeds, ours.items) == (3, 30)
    width = ours.high - ours.low
    assert per_task.high - per_task.low < 0.9 * width, "independent draws per condition average the verb effect away"
    assert items_only.high - items_only.low < 0.7 * width


def test_findings_hold_with_three_runs_in_the_papers_direction():
    claims, got = _verdicts(synthetic_items())
    for name in FINDINGS:
        assert got[name].verdict == "holds", (name, got[name].estimate)
        assert got[name].procedure and got[name].interval.pretrain_seeds == 3
    assert got["reduce_error"].interval.high < 0 < got["cause_error"].interval.low
    assert got["argmax_sv_chance_unseen"].kind == "construction" and got["argmax_sv_chance_unseen"].verdict == "holds"
    assert all(c["passed"] for c in got["reduce_error"].controls)


def test_findings_fail_when_reversed_and_are_inconclusive_without_an_effect():
    _, reversed_ = _verdicts(synthetic_items(direction=-1.0))
    for name in ("natural_below_nonce", "unseen_worse", "reduce_error", "cause_error"):
        assert reversed_[name].verdict == "fails", (name, reversed_[name].estimate)
    _, null = _verdicts(synthetic_items(direction=0.0))
    for name in ("natural_below_nonce", "unseen_worse", "reduce_error", "cause_error"):
        e = null[name].interval
        assert e.low < 0 < e.high and null[name].verdict == "inconclusive", (name, null[name].estimate)
        assert not null[name].reasons  # straddling, not gated


def test_one_pretraining_run_or_a_failed_control_leaves_every_finding_inconclusive():
    _, one = _verdicts(synthetic_items(seeds=(0,)))
    for name in FINDINGS:
        assert one[name].verdict == "inconclusive" and "pre-training" in one[name].reasons[-1]["en"]
    assert one["reduce_error"].decision_region.judge(one["reduce_error"].interval) == "holds"  # the interval alone would hold
    _, gated = _verdicts(synthetic_items(), controls=[Control("c", "c", False)])
    assert {gated[n].verdict for n in FINDINGS} == {"inconclusive"}
    # a learner that is word frequency and nothing else: the frequency effects are there, yet they do not count
    items = synthetic_items()
    _, frequency = _verdicts(items.assign(error=items.argmax_v))
    assert frequency["reduce_error"].verdict == "inconclusive"
    assert "argmax P(V)" in frequency["reduce_error"].failed_controls[0]["en"]


def test_items_must_line_up_across_seeds():
    items = synthetic_items(seeds=(0, 1), items_per_verb=4)
    with pytest.raises(ValueError, match="same items"):
        verdicts.with_units(items.iloc[:-1])
    units = verdicts.with_units(items)
    assert units.groupby("item")["verb"].nunique().max() == 1 and set(units.pretrain_seed) == {0, 1}
    swapped = pd.concat([items[items.seed == 0], items[items.seed == 1].iloc[::-1]])
    with pytest.raises(ValueError, match="order"):
        verdicts.with_units(swapped)


def test_controls_are_checks_decided_by_their_own_intervals():
    probe = gs.control_probe(200, seed=0)
    from emnlp21.core.evidence import Estimate
    from emnlp21.pretraining.report import beyond_unigram_control

    gates = [beyond_unigram_control(Estimate(2.0, 1.8, 2.2, items=500), threshold=1.5),
             beyond_unigram_control(Estimate(1.0, 0.8, 1.2, items=500), threshold=1.5),
             gs.agreement_control(probe.assign(error=0.0))]
    assert [g.passed for g in gates] == [True, False, True]
    claims = Claims("wei", "test")
    verdicts.add_control_claims(claims, gates, "grammar", ("s", "s"))
    assert [c.verdict for c in claims.items] == ["holds", "fails", "holds"] and {c.kind for c in claims.items} == {"check"}
    assert "99 % interval" in gates[2].en and "99 % 区間" in gates[2].ja
    straddles = beyond_unigram_control(Estimate(2.0, 1.4, 2.6, items=500), threshold=1.5)  # a heldout_gap estimate
    assert not straddles.passed and straddles.region.judge(straddles.estimate) == "inconclusive"

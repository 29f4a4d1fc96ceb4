"""The five Yamaguchi+ objectives: labels agree with the manipulation made, rates match, specials stay."""

import pandas as pd
import pytest
import torch

from emnlp21 import yamaguchi as y
from emnlp21.book import Claims, Control
from emnlp21.pretraining import PretrainConfig, get_objective
from emnlp21.pretraining.data import pack_sequences, special_mask, tokenize_corpus
from emnlp21.pretraining.objectives import IGNORE

WORDS = ("the king said unto them , behold 1999 houses and 42 camels ; "
         "where shall we go ? apple orchards were planted in the valley : quickly ! "
         "é clair mountains rose above 7 rivers and the people sang").split()


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    import os

    from emnlp21.pretraining import train_tokenizer

    os.environ["EMNLP21_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    g = torch.Generator().manual_seed(0)
    sentences = [" ".join(WORDS[i] for i in torch.randint(len(WORDS), (12,), generator=g).tolist())
                 for _ in range(400)]
    tok = train_tokenizer(sentences + [" ".join(WORDS)] * 5, vocab_size=300)
    yield tok
    os.environ.pop("EMNLP21_CACHE")


@pytest.fixture(scope="module")
def rows(tokenizer):
    """Packed rows of real text, with padding at the end of the last row."""
    text = [" ".join(WORDS[i:] + WORDS[:i]) for i in range(len(WORDS))] * 12
    ids = tokenize_corpus(text, tokenizer)
    return pack_sequences(ids, 32, cls_id=tokenizer.cls_token_id, sep_id=tokenizer.sep_token_id,
                          pad_id=tokenizer.pad_token_id)


def random_rows(tokenizer, B=512, T=64, seed=1):
    """Rows of random non-special ids (few equal tokens: a changed token means a changed position)."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(len(tokenizer.all_special_ids), len(tokenizer), (B, T), generator=g)
    ids[:, 0] = tokenizer.cls_token_id
    ids[:, -1] = tokenizer.sep_token_id
    ids[-1, T // 2:] = tokenizer.pad_token_id
    return ids


def make(name, ids, tokenizer, seed=0, **settings):
    obj = get_objective(name, settings)
    spec = special_mask(ids, tokenizer)
    return obj, spec, obj.make_batch(ids, spec, tokenizer, torch.Generator().manual_seed(seed))


def test_special_ids_come_first(tokenizer):
    # random_tokens and the toolkit's MLM rely on special tokens being ids 0..n-1.
    assert sorted(tokenizer.all_special_ids) == list(range(len(tokenizer.all_special_ids)))


def test_shuffle_among_is_a_cycle_over_the_chosen_positions():
    g = torch.Generator().manual_seed(0)
    B, T = 300, 40
    ids = torch.arange(B * T).reshape(B, T)  # every id unique: a changed id is a moved token
    chosen = torch.rand(B, T, generator=g) < 0.3
    chosen[0] = False
    chosen[1] = False
    chosen[1, 5] = True  # a single chosen position has nowhere to go
    out = y.shuffle_among(ids, chosen, g)
    assert torch.equal(out.sort(dim=1).values, ids.sort(dim=1).values)  # multiset kept per row
    assert torch.equal(out[~chosen], ids[~chosen])
    many = chosen.sum(1) >= 2
    assert torch.equal((out != ids)[many], chosen[many])  # every chosen position really moved
    assert torch.equal(out[1], ids[1]) and torch.equal(out[0], ids[0])
    # and moved only to other chosen positions of the same row
    src_pos = out % T
    assert chosen.gather(1, src_pos)[chosen].all()


def test_shuffle_labels_and_rate(tokenizer):
    ids = random_rows(tokenizer)
    obj, spec, b = make("shuffle", ids, tokenizer)
    assert torch.equal(b.input_ids[spec], ids[spec])
    assert (b.labels[spec] == IGNORE).all() and (b.labels[~spec] != IGNORE).all()
    assert torch.equal(b.labels[~spec] == 1, (b.input_ids != ids)[~spec])
    rates = y.manipulation_rates(b, ids, spec)
    assert rates["changed"] == pytest.approx(0.15, abs=0.01)
    assert torch.equal(b.input_ids.sort(1).values, ids.sort(1).values)
    assert obj.num_classes(tokenizer) == 1


def test_shuffle_labels_identical_swaps_as_original(tokenizer, rows):
    _, spec, b = make("shuffle", rows, tokenizer, rate=0.5)
    changed = b.input_ids != rows
    assert torch.equal(b.labels == 1, changed)  # label says what the input shows
    chosen_like = (b.labels == 0) & ~spec
    assert chosen_like.any()


def test_random_labels_rate_and_ids(tokenizer):
    ids = random_rows(tokenizer)
    _, spec, b = make("random", ids, tokenizer)
    replaced = b.labels == 1
    assert torch.equal(replaced, b.input_ids != ids)  # every replacement differs, nothing else changed
    assert (b.input_ids[replaced] >= len(tokenizer.all_special_ids)).all()
    assert (b.labels[spec] == IGNORE).all() and torch.equal(b.input_ids[spec], ids[spec])
    assert replaced[~spec].float().mean().item() == pytest.approx(0.15, abs=0.01)


def test_shuffle_random_three_classes(tokenizer):
    ids = random_rows(tokenizer)
    _, spec, b = make("shuffle_random", ids, tokenizer)
    assert set(b.labels.unique().tolist()) == {IGNORE, 0, 1, 2}
    assert torch.equal(b.input_ids[spec], ids[spec]) and (b.labels[spec] == IGNORE).all()
    assert torch.equal(b.labels[~spec] != 0, (b.input_ids != ids)[~spec])
    r = y.manipulation_rates(b, ids, spec)
    assert r["label=1"] == pytest.approx(0.10, abs=0.01)
    assert r["label=2"] == pytest.approx(0.09, abs=0.01)  # 10 % of the 90 % left after shuffling
    # the shuffled tokens are the row's own tokens: each row's multiset, minus random positions, is kept
    keep = b.labels != 2
    for row in range(5):
        assert sorted(b.input_ids[row][keep[row]].tolist()) == sorted(ids[row][keep[row]].tolist())


@pytest.mark.parametrize("name, classify", [("token_type", y.token_type), ("first_char", y.first_char_class)])
def test_masked_class_objectives(tokenizer, rows, name, classify):
    obj, spec, b = make(name, rows, tokenizer)
    masked = b.labels != IGNORE
    assert torch.equal(masked, b.input_ids == tokenizer.mask_token_id)  # always [MASK], nothing else
    assert not (masked & spec).any()
    assert torch.equal(b.input_ids[~masked], rows[~masked])
    tokens = tokenizer.convert_ids_to_tokens(rows[masked].tolist())
    assert b.labels[masked].tolist() == [classify(t) for t in tokens]
    assert masked[~spec].float().mean().item() == pytest.approx(0.15, abs=0.03)
    assert b.labels[masked].max().item() < obj.num_classes(tokenizer)


def test_token_types_hand_checked():
    assert [y.token_type(t) for t in ["the", "The", "##the", "unto", "1999", "##42", ",", "?", "$", "king"]] == \
        [1, 1, 0, 0, 2, 2, 3, 3, 3, 0]
    assert y.TOKEN_TYPES[y.token_type("because")] == "stop word"


def test_first_char_hand_checked():
    assert [y.first_char_class(t) for t in ["apple", "Zebra", "##ing", "é", "7", "##3", "!", ";", "ß", "αβ"]] == \
        [0, 25, 8, 4, 27, 27, 26, 26, 28, 28]
    assert len(y.FIRST_CHAR_CLASSES) == 29


def test_same_seed_same_batch_other_seed_other_batch(tokenizer, rows):
    for name in y.OBJECTIVES:
        _, _, a = make(name, rows, tokenizer, seed=3)
        _, _, b = make(name, rows, tokenizer, seed=3)
        _, _, c = make(name, rows, tokenizer, seed=4)
        assert torch.equal(a.input_ids, b.input_ids) and torch.equal(a.labels, b.labels)
        assert not torch.equal(a.labels, c.labels)


@pytest.mark.parametrize("name", sorted(y.OBJECTIVES))
def test_bad_rate_is_refused(name):
    with pytest.raises(ValueError, match="fraction"):
        get_objective(name, {"rate": 1.5})


def _config(tokenizer, objective, **kw):
    return PretrainConfig(corpus_id="test", corpus_fingerprint="x", tokenizer_fingerprint="y",
                          vocab_size=len(tokenizer), layers=1, hidden=32, heads=2, intermediate=64,
                          seq_len=32, batch_size=8, objective=objective, **kw)


def test_light_heads_cost_fewer_flops_than_mlm(tokenizer):
    flops = {name: y.step_flops(_config(tokenizer, name), tokenizer) for name in y.LABELS}
    assert all(flops[n] < flops["mlm"] for n in y.OBJECTIVES)
    assert flops["first_char"] > flops["token_type"]  # 29 classes against 4, on the same 15 %


def test_time_steps_and_accuracy_run(tokenizer, rows):
    from emnlp21.pretraining import PretrainingModel

    cfgs = [_config(tokenizer, n) for n in ("mlm", "shuffle_random")]
    timing = y.time_steps(cfgs, tokenizer, rows, steps=2, warmup=1)
    assert list(timing.objective) == ["mlm", "shuffle_random"] and (timing.ms_per_step > 0).all()
    torch.manual_seed(0)
    model = PretrainingModel.from_config(_config(tokenizer, "token_type"), tokenizer)
    acc = y.objective_accuracy(model, rows, tokenizer)
    assert 0 <= acc["accuracy"] <= 1 and 0 < acc["majority"] <= 1 and acc["tokens"] > 0
    loss = model(*(lambda b: (b.input_ids, b.attention_mask, b.labels))(
        model.objective.make_batch(rows[:8], special_mask(rows[:8], tokenizer), tokenizer,
                                   torch.Generator().manual_seed(0))))
    loss.backward()
    assert model.head.weight.grad.abs().sum() > 0


def test_scores_average_within_seed_then_over_seeds():
    import pandas as pd

    rows = [{"model": "mlm", "task": t, "seed": s, "split": sp, "metric": "accuracy", "value": v}
            for (t, s, v) in [("a", 0, 0.6), ("b", 0, 0.8), ("a", 1, 0.7), ("b", 1, 0.9)] for sp in ("dev", "test")]
    scores = y.tidy_scores(pd.DataFrame(rows))
    assert len(scores) == 4 and scores.score.max() == pytest.approx(90)
    avg = y.average_by_seed(scores).set_index("model")
    assert avg.loc["mlm", "mean"] == pytest.approx(75) and avg.loc["mlm", "std"] == pytest.approx(7.0710678)
    table = y.score_table(scores, "en", ["mlm"])
    assert table.loc["MLM", "Avg"] == "75.0 ± 7.1"
    with pytest.raises(ValueError, match="columns"):
        y.tidy_scores(pd.DataFrame({"model": ["x"]}))
    with pytest.raises(ValueError, match="no 'f1'"):
        y.tidy_scores(pd.DataFrame(rows), metric="f1")


def _items(acc: dict[str, float], *, pretrain_seeds=3, finetune_seeds=2, n=200, flip=0.05, seed=0) -> pd.DataFrame:
    """A synthetic evidence frame (:func:`y.item_scores`'s shape): each arm right on a share ``acc[arm]``
    of the items of two tasks; each pre-training and fine-tuning seed flips a share ``flip`` of its
    answers (runs of one arm agree on most items, as real runs do); 100 or 0."""
    import numpy as np

    rng = np.random.default_rng(seed)
    frames = []
    for a, p in acc.items():
        for t in ("a", "b"):
            base = rng.random(n) < p
            for ps in range(pretrain_seeds):
                for fs in range(finetune_seeds):
                    right = base ^ (rng.random(n) < flip)
                    frames.append(pd.DataFrame({"arm": a, "task": t, "pretrain_seed": ps, "finetune_seed": fs,
                                                "item": np.arange(n), "score": 100.0 * right}))
    return pd.concat(frames, ignore_index=True)


OK = {n: Control(n, n, True) for n in ("mlm", "shuffle_random", "first_char")}


def _verdicts(scores, controls=OK, **kw):
    board = Claims("yamaguchi", "quick")
    y.add_downstream_claims(board, scores, ["mlm", "shuffle_random", "first_char"], controls=controls, **kw)
    return {c.id: c.verdict for c in board.items}, board


def test_each_downstream_claim_is_gated_by_the_controls_of_the_objectives_it_is_about():
    scores = _items({"mlm": 0.80, "shuffle_random": 0.92, "first_char": 0.70, y.NO_PRETRAINING: 0.55})
    v, _ = _verdicts(scores)
    assert v["yamaguchi.shuffle-random-near-mlm"] == "holds" and v["yamaguchi.all-beat-no-pretraining"] == "holds"
    assert "yamaguchi.shuffle-random-not-worse-at-every-checkpoint" not in v  # no checkpoints, no claim
    v, _ = _verdicts(scores, {**OK, "first_char": Control("fc", "fc", False)})
    assert v["yamaguchi.shuffle-random-near-mlm"] == "holds"  # First Char has no say on S+R against MLM
    assert v["yamaguchi.all-beat-no-pretraining"] == "inconclusive"  # but it is one of "all"


def test_near_mlm_is_a_non_inferiority_test_against_the_papers_tolerance():
    assert y.NEAR_MLM_POINTS == 1.0  # "only a 1% drop in GLUE scores" (abstract)
    far = _items({"mlm": 0.80, "shuffle_random": 0.65, "first_char": 0.70, y.NO_PRETRAINING: 0.55})
    v, board = _verdicts(far)
    assert v["yamaguchi.shuffle-random-near-mlm"] == "fails"  # 15 points below: the whole interval under −1
    near = board.items[0]
    assert near.region["low"] == -1.0 and near.interval.high < -1.0 and near.procedure
    # 1 point below: the interval (three pre-training runs, 200 items a task) straddles −1
    edge = _items({"mlm": 0.80, "shuffle_random": 0.79, "first_char": 0.70, y.NO_PRETRAINING: 0.55})
    v, board = _verdicts(edge)
    e = board.items[0].interval
    assert v["yamaguchi.shuffle-random-near-mlm"] == "inconclusive" and e.low < -1.0 < e.high


def test_one_pretraining_run_per_objective_leaves_every_downstream_finding_inconclusive():
    scores = _items({"mlm": 0.80, "shuffle_random": 0.92, "first_char": 0.70, y.NO_PRETRAINING: 0.55},
                    pretrain_seeds=1)
    v, board = _verdicts(scores)
    assert set(v.values()) == {"inconclusive"}
    assert all(c.region and c.interval.pretrain_seeds == 1 and c.reasons for c in board.items)


def test_every_objective_must_beat_no_pretraining_the_least_difference_decides():
    one_at_floor = _items({"mlm": 0.80, "shuffle_random": 0.92, "first_char": 0.35, y.NO_PRETRAINING: 0.55})
    v, board = _verdicts(one_at_floor)
    least = next(c for c in board.items if c.id.endswith("all-beat-no-pretraining"))
    assert v[least.id] == "fails" and least.interval.value == pytest.approx(least.numbers["first_char"], abs=1e-9)


def test_the_mlm_control_needs_mlm_above_no_pretraining():
    at_floor = _items({"mlm": 0.55, "shuffle_random": 0.56, "first_char": 0.56, y.NO_PRETRAINING: 0.55})
    ok, gain = y.mlm_control(at_floor)
    assert not ok.passed and gain.low < 0 < gain.high and "99 %" in ok.en and "99 %" in ok.ja
    v, _ = _verdicts(at_floor)
    assert v["yamaguchi.shuffle-random-near-mlm"] == "inconclusive"  # near a model at chance says nothing


def test_the_checkpoint_claim_tests_non_inferiority_at_every_checkpoint():
    acc = {"mlm": 0.80, "shuffle_random": 0.92, "first_char": 0.70, y.NO_PRETRAINING: 0.55,
           "mlm@100": 0.70, "shuffle_random@100": 0.85, "first_char@100": 0.6,
           "mlm@200": 0.75, "shuffle_random@200": 0.55, "first_char@200": 0.6}
    v, board = _verdicts(_items(acc), checkpoints=[100, 200])
    claim = "yamaguchi.shuffle-random-not-worse-at-every-checkpoint"
    assert v[claim] == "fails"  # 20 points behind at step 200, though ahead at step 100
    assert "yamaguchi.shuffle-random-more-efficient" not in v
    v, _ = _verdicts(_items({**acc, "shuffle_random@200": 0.90}), checkpoints=[100, 200])
    assert v[claim] == "holds"


def _predictions(acc: float, majority: float, rows=200, per_row=20, row_effect=0.0, seed=0):
    """Synthetic own-task predictions: binary labels with ``majority`` share of 0; a row-level shift of
    the chance of a right answer (``row_effect``) makes the tokens of a row dependent."""
    import numpy as np

    rng = np.random.default_rng(seed)
    row = np.repeat(np.arange(rows), per_row)
    p = np.clip(acc + row_effect * rng.standard_normal(rows)[row], 0, 1)
    return pd.DataFrame({"row": row, "gold": (rng.random(len(row)) > majority).astype(int),
                         "correct": (rng.random(len(row)) < p).astype(int)})


def test_the_own_task_control_is_an_interval_over_whole_rows():
    above = _predictions(0.9, 0.6)
    below = _predictions(0.4, 0.6)
    edge = _predictions(0.61, 0.6, rows=40)
    controls = y.own_task_controls({"random": above, "shuffle": below, "first_char": edge},
                                   ["random", "shuffle", "first_char"])
    assert controls["random"].passed and not controls["shuffle"].passed and not controls["first_char"].passed
    e = y.own_task_estimate(edge)
    assert e.low < 0 < e.high and e.items == 40  # clusters: the rows
    assert "99 %" in controls["random"].en and "99 %" in controls["random"].ja
    # tokens of a row that share a row-level effect: resampling rows widens the interval beyond the
    # binomial noise of the tokens (what the Fisher test over tokens assumed)
    dependent = y.own_task_estimate(_predictions(0.7, 0.6, row_effect=0.25))
    binomial = 2.576 * 100 * (0.7 * 0.3 / 4000) ** 0.5
    assert (dependent.high - dependent.low) / 2 > 1.5 * binomial
    assert y.own_task_summary(above)["tokens"] == 4000


def test_the_step_time_is_a_ratio_with_an_interval_over_the_timed_rounds():
    import numpy as np

    rng = np.random.default_rng(0)
    mlm = 100 + rng.normal(0, 2, 20)
    fast = {"mlm": list(mlm), "shuffle_random": list(0.7 * mlm + rng.normal(0, 2, 20))}
    slow = {"mlm": list(mlm), "shuffle_random": list(1.3 * mlm)}
    noisy = {"mlm": [100, 300, 100], "shuffle_random": [290, 95, 105]}
    below = lambda r: __import__("emnlp21.core.evidence", fromlist=["below"]).below(1).judge(r)  # noqa: E731
    assert below(y.step_time_ratio(fast)) == "holds"
    assert below(y.step_time_ratio(slow)) == "fails"
    assert below(y.step_time_ratio(noisy)) == "inconclusive"
    with pytest.raises(ValueError, match="timed rounds"):
        y.step_time_ratio({"mlm": [1.0], "shuffle_random": [1.0]})
    board = Claims("yamaguchi", "quick")
    y.add_cost_claims(board, {"mlm": 10.0, "shuffle_random": 6.0, "random": 5.5}, fast)
    flops, step = board.items
    assert (flops.kind, flops.verdict) == ("construction", "holds") and flops.interval.low == flops.interval.high
    assert (step.kind, step.verdict, step.id) == ("check", "holds", "yamaguchi.shuffle-random-faster-step")

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


def _scores(means: dict[str, float], spread: float) -> pd.DataFrame:
    """Tidy fine-tuning scores (points) of each model on two tasks and three seeds around ``means``."""
    offsets = [-spread, 0.0, spread]
    return pd.DataFrame([{"model": m, "task": t, "seed": s, "score": mean + offsets[s]}
                         for m, mean in means.items() for t in ("a", "b") for s in range(3)])


def _verdicts(scores, controls, n_items=100_000):
    board = Claims("yamaguchi", "quick")
    y.add_downstream_claims(board, scores, ["mlm", "shuffle_random", "first_char"], near_points=2.0, n_items=n_items,
                            controls=controls)
    return {c.id: c.verdict for c in board.items}


def test_each_downstream_claim_is_gated_by_the_controls_of_the_objectives_it_is_about():
    ok = {n: Control(n, n, True) for n in ("mlm", "shuffle_random", "first_char")}
    scores = _scores({"mlm": 80.0, "shuffle_random": 79.5, "first_char": 70.0, y.NO_PRETRAINING: 60.0}, spread=0.1)
    assert _verdicts(scores, ok)["yamaguchi.shuffle-random-near-mlm"] == "holds"
    first_char_failed = {**ok, "first_char": Control("fc", "fc", False)}
    v = _verdicts(scores, first_char_failed)
    assert v["yamaguchi.shuffle-random-near-mlm"] == "holds"  # First Char has no say on S+R against MLM
    assert v["yamaguchi.all-beat-no-pretraining"] == "inconclusive"  # but it is one of "all"


def test_within_the_tolerance_is_judged_against_the_noise():
    ok = {n: Control(n, n, True) for n in ("mlm", "shuffle_random", "first_char")}
    far = _scores({"mlm": 80.0, "shuffle_random": 70.0, "first_char": 70.0, y.NO_PRETRAINING: 60.0}, spread=0.1)
    assert _verdicts(far, ok)["yamaguchi.shuffle-random-near-mlm"] == "fails"  # 10 points below, noise ~0.2
    # 2.4 points below with a tolerance of 2 and seed spread of several points: the noise cannot tell
    noisy = _scores({"mlm": 80.0, "shuffle_random": 77.6, "first_char": 70.0, y.NO_PRETRAINING: 60.0}, spread=3.0)
    assert _verdicts(noisy, ok, n_items=400)["yamaguchi.shuffle-random-near-mlm"] == "inconclusive"


@pytest.mark.parametrize("diff, margin, expected", [(-1.0, 0.5, (True, True)), (-10.0, 1.0, (False, True)),
                                                    (-2.4, 5.9, (False, False)), (3.0, 0.1, (True, True))])
def test_within_tolerance_holds_fails_or_cannot_tell(diff, margin, expected):
    assert y.within_tolerance(diff, margin, 2.0) == expected

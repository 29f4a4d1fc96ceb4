"""The pre-training toolkit: tokenizer, packing, masking, checkpoint cache, training, fine-tuning."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch

from emnlp21 import pretraining as pt
from emnlp21.pretraining import cache as ckpt_cache
from emnlp21.pretraining.data import special_mask, tokenize_corpus

TINY = dict(layers=1, hidden=32, heads=2, intermediate=64, max_positions=32, seq_len=32, batch_size=16,
            steps=30, lr=3e-3)


@pytest.fixture(scope="module")
def sentences():
    from emnlp21 import corpora

    return corpora.polarity_sentences()["text"].tolist()[:1500]


@pytest.fixture()
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CACHE", str(tmp_path))
    return tmp_path


@pytest.fixture()
def tok(sentences, isolated_cache):
    return pt.train_tokenizer(sentences, vocab_size=1000)


def test_tokenizer_round_trip(sentences, tok):
    assert tok.convert_tokens_to_ids(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) == [0, 1, 2, 3, 4]
    for s in sentences[:200]:
        ids = tok(s)["input_ids"]
        assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id
        assert tok(tok.decode(ids, skip_special_tokens=True))["input_ids"] == ids
    assert tok.decode(tok("the film is a great one")["input_ids"], skip_special_tokens=True) == "the film is a great one"
    ids = [i for s in sentences[:200] for i in tok(s, add_special_tokens=False)["input_ids"]]
    assert ids.count(tok.unk_token_id) / len(ids) < 0.01


def test_tokenizer_is_cached(sentences, tok):
    again = pt.train_tokenizer(sentences, vocab_size=1000)
    assert pt.tokenizer_fingerprint(again) == pt.tokenizer_fingerprint(tok)
    before = pt.tokenizer_fingerprint(tok)
    tok(sentences[:3], padding=True, truncation=True, max_length=8)  # sets call-time state on the backend
    assert pt.tokenizer_fingerprint(tok) == before
    assert pt.tokenizer_fingerprint(pt.train_tokenizer(sentences[:-1], vocab_size=1000)) != pt.tokenizer_fingerprint(tok)


def test_wordpiece_vocabulary_hand_checked():
    specials = list(pt.tokenizer.SPECIAL_TOKENS)
    alphabet = ["g", "h", "p", "s", "u", "##g", "##s", "##u"]  # every character, as the library does
    counts = {"hug": 10, "pug": 5, "hugs": 5}
    # ##u ##g occurs 20 times, then h ##ug 15; p ##ug and hug ##s tie at 5: the older pair (p) goes first.
    assert pt.tokenizer.learn_wordpiece_vocabulary(counts, 16) == specials + alphabet + ["##ug", "hug", "pug"]
    assert pt.tokenizer.learn_wordpiece_vocabulary(counts, 99)[-1] == "hugs"
    assert pt.tokenizer.learn_wordpiece_vocabulary(counts, 99, min_frequency=6)[-2:] == ["##ug", "hug"]


@pytest.mark.slow
def test_wordpiece_vocabulary_is_the_same_in_every_process(sentences, tmp_path):
    import json
    import os
    import subprocess
    import sys

    script = ("import json, sys; from emnlp21 import corpora; from emnlp21.pretraining.tokenizer import _build; "
              "s = corpora.polarity_sentences()['text'].tolist()[:1500]; "
              "json.dump(_build(s, 1000, True).get_vocab(), open(sys.argv[1], 'w'), sort_keys=True)")
    vocabularies = []
    for seed in ("1", "2"):  # the library's trainer numbers ## characters in hash order: it fails this
        out = tmp_path / f"vocab{seed}.json"
        subprocess.run([sys.executable, "-c", script, str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        vocabularies.append(json.loads(out.read_text()))
    assert vocabularies[0] == vocabularies[1]


def test_wordpiece_vocabulary_matches_the_library_trainer(sentences, tok):
    from tokenizers import Tokenizer, models, trainers

    reference = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    reference.normalizer = tok.backend_tokenizer.normalizer
    reference.pre_tokenizer = tok.backend_tokenizer.pre_tokenizer
    reference.train_from_iterator(sentences, trainers.WordPieceTrainer(
        vocab_size=1000, special_tokens=list(pt.tokenizer.SPECIAL_TOKENS), min_frequency=2, show_progress=False))
    ours, theirs = set(tok.get_vocab()), set(reference.get_vocab())
    assert len(ours) == len(theirs) == 1000
    assert len(ours ^ theirs) <= 20  # the same algorithm; only ties at equal counts may differ


def test_packing_keeps_every_token_exactly_once(sentences, tok):
    ids = tokenize_corpus(sentences[:300], tok)
    packed = pt.pack_sequences(ids, 32, cls_id=2, sep_id=3, pad_id=0)
    assert packed.shape[1] == 32 and (packed[:, 0] == 2).all()
    body = packed[:, 1:].reshape(-1).tolist()
    stream = [t for s in ids for t in (*s, 3)]
    assert body[:len(stream)] == stream
    assert set(body[len(stream):]) <= {0} and len(body) - len(stream) < 31  # only the last row is padded
    assert (packed[:-1] != 0).all()


def test_mlm_masking_rates(tok):
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(5, len(tok), (256, 128), generator=g)
    ids[:, 0], ids[:, -1], ids[-1, 64:] = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
    special = special_mask(ids, tok)
    batch = pt.MLM().make_batch(ids, special, tok, g)
    chosen = batch.labels != -100
    assert not chosen[special].any()
    assert (batch.labels[chosen] == ids[chosen]).all()
    rate = chosen.sum() / (~special).sum()
    assert abs(rate - 0.15) < 0.005
    masked = (batch.input_ids[chosen] == tok.mask_token_id).float().mean()
    kept = (batch.input_ids[chosen] == ids[chosen]).float().mean()
    assert abs(masked - 0.8) < 0.015 and abs(kept - 0.1) < 0.015  # random: the remaining ~10 %
    assert (batch.input_ids[~chosen] == ids[~chosen]).all()
    assert (batch.attention_mask == (ids != tok.pad_token_id)).all()


def test_config_key_changes_with_every_field(sentences, tok):
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **TINY)
    assert cfg.key() == pt.PretrainConfig.from_dict(cfg.as_dict()).key()
    sized = {"hidden": dict(hidden=64, intermediate=128), "heads": dict(heads=4), "seq_len": dict(seq_len=16),
             "max_positions": dict(max_positions=64), "intermediate": dict(intermediate=32)}
    changed = []
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if f.name in sized:
            change = sized[f.name]
        elif isinstance(value, bool):
            change = {f.name: not value}
        elif isinstance(value, (int, float)):
            change = {f.name: value / 2 if isinstance(value, float) else value + 1}
        elif isinstance(value, tuple):
            change = {f.name: (("rate", 0.2),)}
        else:
            change = {f.name: value + "x"}
        changed.append(cfg.replace(**change).key())
    assert len(set(changed)) == len(changed) and cfg.key() not in changed


def test_bad_input_gives_clear_errors(sentences, tok):
    with pytest.raises(ValueError, match="divisible"):
        pt.PretrainConfig.for_corpus("tiny", sentences, tok, hidden=30, heads=4)
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **TINY)
    with pytest.raises(ValueError, match="for_corpus"):
        pt.pretrain(cfg, sentences[:-1], tok, progress=False)
    with pytest.raises(KeyError, match="Registered"):
        pt.get_objective("no-such-objective")


def test_pretraining_lowers_loss_and_is_cached(sentences, tok):
    # 60 steps: at 30 the drop sits right at the 0.5-nat bar and the test flips with thread timing. A
    # uniform start (no prior bias): the loss then has the unigram distribution to learn in these steps.
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **{**TINY, "steps": 60},
                                       objective_settings={"prior_bias": False})
    first = pt.pretrain(cfg, sentences, tok, progress=False, save_at=(10,))
    assert not first.from_cache and set(first.checkpoints) == {10} and first.checkpoints[10].is_file()
    log = first.log
    assert list(log.columns) == ["step", "loss", "tokens", "seconds", "lr"] and log["step"].iloc[-1] == 60
    assert log["loss"].iloc[-3:].mean() < log["loss"].iloc[:3].mean() - 0.5
    second = pt.pretrain(cfg, sentences, tok, progress=False)
    assert second.from_cache
    for (k, a), (_, b) in zip(first.model.state_dict().items(), second.model.state_dict().items()):
        assert torch.equal(a, b), k
    other = pt.pretrain(cfg.replace(seed=1), sentences, tok, progress=False)
    assert not other.from_cache and other.path != first.path
    w = "encoder.embeddings.word_embeddings.weight"
    assert not torch.equal(other.model.state_dict()[w], first.model.state_dict()[w])
    early = pt.load_checkpoint(first, 10)  # the step-10 weights, with their own fine-tuning cache key
    assert early.log["step"].iloc[-1] <= 10 and early.config.key != cfg.key
    assert not torch.equal(early.model.state_dict()[w], first.model.state_dict()[w])
    with pytest.raises(KeyError, match="save_at"):
        pt.load_checkpoint(first, 20)


def test_corrupted_entry_is_rebuilt(sentences, tok):
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **{**TINY, "steps": 5})
    made = pt.pretrain(cfg, sentences, tok, progress=False)
    weights = made.path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])  # truncated
    assert not ckpt_cache.is_valid(made.path) and pt.load_pretrained(cfg, tok) is None
    rebuilt = pt.pretrain(cfg, sentences, tok, progress=False)
    assert not rebuilt.from_cache and ckpt_cache.is_valid(rebuilt.path)
    assert pt.pretrain(cfg, sentences, tok, progress=False).from_cache


def test_no_positions_model_is_blind_to_order(sentences, tok):
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **{**TINY, "steps": 5, "positions": False})
    model = pt.pretrain(cfg, sentences, tok, progress=False)
    pos = model.encoder.embeddings.position_embeddings.weight
    assert not pos.requires_grad and not pos.any()
    ids = torch.tensor([tok("the film is a great one indeed")["input_ids"]])
    perm = torch.tensor([0, *torch.randperm(ids.shape[1] - 2, generator=torch.Generator().manual_seed(0)).add(1).tolist(),
                         ids.shape[1] - 1])
    with torch.no_grad():
        h = model.encoder(input_ids=ids).last_hidden_state
        h_perm = model.encoder(input_ids=ids[:, perm]).last_hidden_state
    assert torch.allclose(h[:, perm], h_perm, atol=1e-5)


def test_flops_count_the_head():
    cfg = pt.PretrainConfig("c", "f", "t", vocab_size=8000)
    mlm = pt.flops_per_step(cfg, 8000, 0.15)
    two_way = pt.flops_per_step(cfg, 2, 1.0)
    assert mlm > two_way > 0
    assert mlm - two_way == pytest.approx(3 * 2 * cfg.hidden * (8000 * 0.15 - 2) * cfg.tokens_per_step)


def test_perturbations_keep_the_bag_of_words():
    rng = random.Random(0)
    text = "one two three four five six seven eight"
    for perturb in (pt.swap_two_words, pt.locally_shuffle):
        new = perturb(text, rng)
        assert Counter(new.split()) == Counter(text.split())
    for seed in range(20):  # the edges stay, the inner words move in windows of three
        words, new = text.split(), pt.locally_shuffle(text, random.Random(seed)).split()
        assert (new[0], new[-1]) == (words[0], words[-1])
        assert all(set(new[k:k + 3]) == set(words[k:k + 3]) for k in (1, 4)) and new[7:] == words[7:]
    assert pt.locally_shuffle("one two three", random.Random(0)) == "one two three"  # nothing inside to move


def test_the_order_task_cannot_be_read_off_positions_and_a_planted_cue_is_caught():
    from emnlp21.pretraining import report

    wo = pt.build_tasks(["word_order"], n_train=1000, n_eval=400, seed=0)["word_order"]
    ok = report.positional_control(wo)
    assert ok.passed and ok.estimate.items == 1800, ok.en  # every item of the task, cross-validated
    # the same task with its shuffled sentences' final word moved to the front: position alone decides
    moved = {s: getattr(wo, s).assign(text=lambda d: [t if y else " ".join([t.split()[-1], *t.split()[:-1]])
                                                     for t, y in zip(d["text"], d["label"])])
             for s in ("train", "dev", "test")}
    cued = report.positional_control(pt.Task("word_order", moved["train"], moved["dev"], moved["test"],
                                             order_sensitive=True))
    assert not cued.passed and cued.estimate.low > report.POSITIONAL_POINTS, cued.en


def test_tasks_have_fixed_disjoint_splits():
    tasks = pt.build_tasks(n_train=300, n_eval=100, seed=0)
    again = pt.build_tasks(n_train=300, n_eval=100, seed=0)

    def key(df):
        return set(df["text"] + df.get("text_b", ""))

    for name, task in tasks.items():
        assert task.fingerprint == again[name].fingerprint
        assert task.sizes() == {"train": 300, "dev": 100, "test": 100}
        assert not key(task.train) & key(task.test)
    assert pt.build_tasks(["sentiment"], n_train=300, n_eval=100, seed=1)["sentiment"].fingerprint != \
        tasks["sentiment"].fingerprint
    # word order: both classes carry the same bags of words, so order alone decides the label
    wo = tasks["word_order"]
    assert wo.order_sensitive and 0.4 < wo.train["label"].mean() < 0.6


def test_heldout_loss_and_unigram_floor_are_computed_on_the_same_tokens(sentences, tok):
    """A head that always outputs the training text's unigram log-probabilities scores exactly the floor."""
    from emnlp21.pretraining import evaluate as ev

    batches = ev.heldout_batches(sentences[1000:], tok, seq_len=32, max_tokens=4096)
    assert 0 < batches.n_predicted < 4096 * 0.2
    log_p = ev.unigram_log_probs(tokenize_corpus(sentences[:1000], tok), len(tok))
    assert abs(float(log_p.exp().sum()) - 1) < 1e-9

    class Zeros(torch.nn.Module):
        training = False

        def forward(self, input_ids, attention_mask):
            return type("Out", (), {"last_hidden_state": torch.zeros(*input_ids.shape, 8)})()

    head = torch.nn.Linear(8, len(tok))
    with torch.no_grad():
        head.weight.zero_()
        head.bias.copy_(log_p.float())
    assert ev.mlm_loss(Zeros(), head, batches) == pytest.approx(ev.unigram_loss(batches, log_p), abs=1e-4)
    # the same rows and masks every time, whatever the caller's random state
    torch.manual_seed(123)
    again = ev.heldout_batches(sentences[1000:], tok, seq_len=32, max_tokens=4096)
    assert torch.equal(again.labels, batches.labels) and torch.equal(again.input_ids, batches.input_ids)



def test_mlm_output_bias_starts_at_the_unigram_floor_unless_switched_off(sentences, tok):
    """With the prior bias an untrained model (one step at a tiny rate) already scores the floor; without, far above."""
    from emnlp21.pretraining import evaluate as ev

    train, heldout = sentences[:1000], sentences[1000:]
    floor = {}
    for prior in (True, False):
        cfg = pt.PretrainConfig.for_corpus("t", train, tok, **{**TINY, "steps": 1, "lr": 1e-9},
                                           objective_settings={"prior_bias": prior})
        model = pt.pretrain(cfg, train, tok, progress=False)
        rep = pt.heldout_report(model, heldout, train, max_tokens=4096)
        floor[prior] = rep["heldout_loss"] - rep["unigram_entropy"]
        bias = model.model.head.bias.detach()
        log_p = ev.unigram_log_probs(tokenize_corpus(train, tok), len(tok)).float()
        assert torch.allclose(bias, log_p, atol=1e-6) == prior
    assert abs(floor[True]) < 0.05, floor  # the hidden state's small random contribution only
    assert floor[False] > 0.5, floor  # a near-uniform start: about log V against the unigram entropy

COUNTING = "one two three four five six seven eight nine ten eleven twelve".split()


def _counting_text(n: int, seed: int) -> list[str]:
    """Runs of consecutive number words from a random start: each word is fixed by its neighbours."""
    rng = random.Random(seed)
    return [" ".join(COUNTING[(start + k) % len(COUNTING)] for k in range(8))
            for start in (rng.randrange(len(COUNTING)) for _ in range(n))]


def test_heldout_report_and_pll_see_order_only_with_positions(isolated_cache):
    from emnlp21.pretraining import evaluate as ev

    train, heldout = _counting_text(2000, 0), _counting_text(200, 1)
    tok = pt.train_tokenizer(train, vocab_size=120)  # all it needs: the words and their letters
    cfg = pt.PretrainConfig.for_corpus("counting", train, tok, **{**TINY, "steps": 20, "dropout": 0.0})
    rep = pt.heldout_report(pt.pretrain(cfg, train, tok, progress=False), heldout, train, max_tokens=4096)
    assert rep["gain"] == pytest.approx(rep["unigram_entropy"] - rep["heldout_loss"]) and rep["masked_tokens"] > 0
    nopos = pt.pretrain(cfg.replace(positions=False), train, tok, progress=False)
    backwards = [" ".join(reversed(t.split())) for t in heldout[:20]]
    assert np.allclose(ev.pseudo_log_likelihood(nopos, heldout[:20]), ev.pseudo_log_likelihood(nopos, backwards),
                       atol=1e-3)  # blind to order by construction


def _tiny_task(n=240):
    rng = random.Random(0)
    rows = [(" ".join(rng.choice(["good", "fine", "great"] if y else ["bad", "poor", "awful"]) for _ in range(4))
             + " film", y) for y in (rng.randint(0, 1) for _ in range(n))]
    df = pd.DataFrame(rows, columns=["text", "label"])
    return pt.Task("tiny", df.iloc[:160].reset_index(drop=True), df.iloc[160:200].reset_index(drop=True),
                   df.iloc[200:].reset_index(drop=True))


def test_early_stopping_chooses_on_dev_and_never_looks_at_the_test_split(sentences, tok):
    cfg = pt.PretrainConfig.for_corpus("tiny", sentences, tok, **{**TINY, "steps": 0})
    model = pt.pretrain(cfg, sentences, tok, progress=False)
    task = _tiny_task()
    config = pt.FinetuneConfig(max_epochs=6, patience=2, lr=3e-3)
    first = pt.finetune(model, task, 0, config=config, device="cpu")
    flipped = dataclasses.replace(task, test=task.test.assign(label=1 - task.test["label"]))
    second = pt.finetune(model, flipped, 0, config=config, device="cpu")
    assert first["dev"] == second["dev"] and first["protocol"] == second["protocol"]
    assert first["test"]["accuracy"] == pytest.approx(1 - second["test"]["accuracy"])
    p = first["protocol"]
    assert p["best_step"] <= p["steps"] <= 6 * 5 and p["epochs"] >= 1
    results = pt.finetune_suite({"tiny": model}, [task], seeds=(0,), config=config, device="cpu", progress=False)
    steps = pt.protocol_steps(results)
    assert steps.loc[("tiny", "tiny"), "steps"] == p["steps"]
    assert set(pt.summarise(results)["metric"]) == {"accuracy", "f1", "mcc"}


def test_reference_rows_majority_and_tfidf():
    task = _tiny_task()
    refs = pt.reference_scores([task])
    acc = refs.query("split == 'test' and metric == 'accuracy'").set_index("model")["value"]
    assert acc["majority"] == pytest.approx(task.majority_accuracy())
    assert acc["tf-idf"] == 1.0  # the words decide the label
    pair = pt.build_tasks(["paraphrase"], n_train=300, n_eval=100, seed=0)["paraphrase"]
    prefs = pt.reference_scores([pair])  # pairs: both texts and the n-grams they share
    assert set(prefs["split"]) == {"dev", "test"} and set(prefs["model"]) == {"majority", "tf-idf"}


@pytest.mark.slow
def test_the_profiles_own_protocol_gets_a_random_init_encoder_above_the_majority_class_on_sentiment():
    """The quick profile's encoder size and fine-tuning protocol, untrained: fine-tuning alone must learn."""
    from emnlp21 import book, corpora
    from emnlp21.core import evidence

    P = book.parameters("small_models", {"profile": "quick"})
    corpus = corpora.load_corpus(max_words=P.max_words)
    tok = pt.train_tokenizer(corpus.train, vocab_size=P.vocab_size)
    random_init = pt.pretrain(pt.PretrainConfig.from_profile(P.corpus_id, corpus.train, tok, P, steps=0),
                              corpus.train, tok, progress=False)
    task = pt.build_tasks(["sentiment"], n_train=P.n_train, n_eval=P.n_eval, seed=P.task_seed)["sentiment"]
    items = pt.item_results({"random": random_init}, [task], seeds=(0,), config=pt.FinetuneConfig.from_profile(P),
                            device="cpu")
    from emnlp21.pretraining.report import evidence_frame

    scores = evidence_frame(pd.concat([items, pt.reference_items([task])]), {"random": random_init.config.seed})
    gain = evidence.difference(scores, "random", "majority")  # paired on the test items, in points
    assert evidence.above(0).judge(gain) == "holds", gain


def test_one_optimiser_recipe_for_every_loop():
    from transformers import BertConfig, BertModel

    from emnlp21.pretraining import optim

    model = BertModel(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                 intermediate_size=32), add_pooling_layer=False)
    bert = {g["weight_decay"]: g for g in optim.param_groups(model, 1e-3, 0.01, decay_norms=False)}
    undecayed = {id(p) for p in bert[0.0]["params"]}
    for name, p in model.named_parameters():  # biases and LayerNorm weights are not decayed, matrices are
        assert (id(p) in undecayed) == (p.ndim < 2 or "LayerNorm" in name), name
    own = optim.param_groups(model, 1e-3, 0.01, decay_norms=True, rates={"encoder": 1e-4})
    assert {(g["lr"], len(g["params"])) for g in own} == {(1e-3, len(list(model.embeddings.parameters()))),
                                                          (1e-4, len(list(model.encoder.parameters())))}
    # the schedule: the first step already moves, the peak is reached after the warm-up, the last step is at 0
    factor = optim.linear_warmup_decay(100, 0.1)
    assert factor(0) == pytest.approx(0.1) and factor(9) == pytest.approx(1.0) and factor(100) == 0.0
    x = torch.randint(0, 50, (2, 5))
    opt = torch.optim.AdamW(own)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    before = model.embeddings.word_embeddings.weight.detach().clone()
    optim.training_step(model(input_ids=x).last_hidden_state.pow(2).mean() * 1e6, opt, sched, model.parameters(),
                        clip_norm=0.5)
    assert all(p.grad is None for p in model.parameters())  # cleared for the next step
    assert not torch.equal(before, model.embeddings.word_embeddings.weight) and sched.last_epoch == 1


# --- the toolkit page's claims (emnlp21/pretraining/report.py) ---------------------------------------

def test_the_heldout_gap_is_the_reports_gain_with_an_interval_over_rows(isolated_cache):
    from emnlp21.core import evidence
    from emnlp21.pretraining import report

    train, heldout = _counting_text(2000, 0), _counting_text(200, 1)
    tok = pt.train_tokenizer(train, vocab_size=120)
    cfg = pt.PretrainConfig.for_corpus("counting", train, tok, **{**TINY, "steps": 20, "dropout": 0.0})
    model = pt.pretrain(cfg, train, tok, progress=False)
    rep = pt.heldout_report(model, heldout, train, max_tokens=4096)
    gap = report.heldout_gap(model, heldout, train, max_tokens=4096)
    assert gap.value == pytest.approx(rep["gain"], abs=1e-4) and gap.low < gap.value < gap.high
    assert gap.resamples >= evidence.RESAMPLES and gap.items > 1  # the clusters: held-out rows
    below, above = gap.low - 0.01, gap.high + 0.01
    assert report.beyond_unigram_control(gap, threshold=below).passed
    assert not report.beyond_unigram_control(gap, threshold=above).passed
    assert not report.beyond_unigram_control(gap, threshold=gap.value).passed  # straddling: not shown
    assert "99 %" in report.beyond_unigram_control(gap).en and "99 %" in report.beyond_unigram_control(gap).ja


def _log(losses):
    return pd.DataFrame({"step": np.arange(1, len(losses) + 1), "loss": losses})


def test_the_loss_falls_check_holds_fails_or_cannot_tell():
    from emnlp21.core import evidence
    from emnlp21.pretraining import report

    rng = np.random.default_rng(0)
    region = evidence.above(report.LOSS_DROP_NATS)
    falls = _log(np.r_[9.0, np.linspace(8, 5, 89), 5 + 0.05 * rng.standard_normal(10)])
    flat = _log(np.r_[9.0, 9 + 0.05 * rng.standard_normal(99)])
    edge = _log(np.r_[9.0, np.full(89, 8.0), 8.0 + np.array([-1.5, 1.5] * 5)])  # mean drop 1, noisy
    assert region.judge(report.loss_drop(falls)) == "holds"
    assert region.judge(report.loss_drop(flat)) == "fails"
    assert region.judge(report.loss_drop(edge)) == "inconclusive"
    with pytest.raises(ValueError, match="too short"):
        report.loss_drop(_log([3.0]))
    assert report.loss_drop(_log([3.0, 2.0])).value == pytest.approx(1.0)  # a dry run's two rows


def _runs(acc: dict[str, float], pretrain_seeds: int, n=300, seed=0) -> pd.DataFrame:
    """item_results-like rows for each model and pre-training seed, two tasks, two fine-tuning seeds."""
    rng = np.random.default_rng(seed)
    rows = []
    for m, p in acc.items():
        for t in ("a", "b"):
            base = rng.random(n) < p
            for ps in range(pretrain_seeds if m in ("mlm", "random") else 1):
                for s in ((0, 1) if m in ("mlm", "random") else (0,)):
                    rows.append(pd.DataFrame({"model": m, "task": t, "seed": s, "item": np.arange(n), "ps": ps,
                                              "correct": (base ^ (rng.random(n) < 0.05)).astype(np.int8)}))
    return pd.concat(rows, ignore_index=True)


def _frame(runs):
    from emnlp21.pretraining import report

    out = report.evidence_frame(runs, {})
    out["pretrain_seed"] = runs["ps"].to_numpy()  # several pre-training runs, as replicates will give
    return out


def _small_models_claims(acc, pretrain_seeds, gap):
    from emnlp21.book import Claims
    from emnlp21.pretraining import report

    gains = report.pretraining_gains(_frame(_runs(acc, pretrain_seeds)), "mlm", "random")
    board = Claims("small_models", "quick")
    log = _log(np.r_[9.0, np.linspace(8, 5, 89), np.full(10, 5.0) + np.linspace(-0.05, 0.05, 10)])
    report.add_claims(board, log=log, heldout={"heldout_loss": 4.0, "unigram_entropy": 4.0 + gap.value,
                                               "gain": gap.value}, gap=gap, gains=gains)
    return {c.id: c for c in board.items}, gains


def test_pretraining_helps_is_a_paired_procedure_claim_gated_by_the_unigram_control():
    from emnlp21.core.evidence import Estimate

    learned = Estimate(2.5, 2.2, 2.8, items=100, resamples=10_000)
    at_floor = Estimate(0.4, 0.2, 0.6, items=100, resamples=10_000)
    near_bar = Estimate(1.4, 1.2, 1.6, items=100, resamples=10_000)  # straddles the 1.5-nat bar
    better = {"mlm": 0.85, "random": 0.65, "tf-idf": 0.7, "majority": 0.5}
    c, gains = _small_models_claims(better, 1, learned)
    helps = c["small_models.pretraining-helps"]
    assert helps.procedure and helps.verdict == "inconclusive" and helps.interval.low > 0  # one run: no verdict
    assert helps.interval.pretrain_seeds == 1 and "1 pre-training run" in helps.reasons[0]["en"]
    assert gains["numbers"]["gain"] == pytest.approx(helps.interval.value)
    assert (c["small_models.loss-falls"].verdict, c["small_models.learns-beyond-unigram"].verdict) == ("holds", "holds")
    c, _ = _small_models_claims(better, 3, learned)
    assert c["small_models.pretraining-helps"].verdict == "holds"
    c, _ = _small_models_claims({**better, "mlm": 0.45}, 3, learned)
    assert c["small_models.pretraining-helps"].verdict == "fails"
    c, _ = _small_models_claims({**better, "mlm": 0.66}, 3, learned)
    e = c["small_models.pretraining-helps"].interval
    assert c["small_models.pretraining-helps"].verdict == "inconclusive" and e.low < 0 < e.high
    c, _ = _small_models_claims(better, 3, at_floor)  # the model did not get past the unigram floor
    assert c["small_models.learns-beyond-unigram"].verdict == "fails"
    assert c["small_models.pretraining-helps"].verdict == "inconclusive"
    c, _ = _small_models_claims(better, 3, near_bar)  # cannot tell: the control did not pass either
    assert c["small_models.learns-beyond-unigram"].verdict == "inconclusive"
    assert c["small_models.pretraining-helps"].verdict == "inconclusive"

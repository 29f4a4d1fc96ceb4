"""The Kobayashi+ 2021 decomposition: sums back to the model, equals the per-pair reference, valid ranges."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer, BertConfig, BertModel, RobertaConfig, RobertaModel

from emnlp21 import kobayashi as K
from emnlp21.kobayashi.mixing import capture_layers, decompose
from kobayashi_reference import reference_ratios, reference_sequence

SENTENCES = [
    "In the beginning God created the heavens and the earth.",
    "To be, or not to be: that is the question.",
    "A gorgeous, witty, seductive movie.",
    ("The film is long.", "But every minute of it is worth watching, even the slow parts."),
]


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(K.packaged_model_dir())


def tiny(cls=BertModel, config_cls=BertConfig, vocab=30522, seed=0, **kw):
    torch.manual_seed(seed)
    config = config_cls(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, attn_implementation="eager", **kw)
    model = cls(config).eval().double()
    with torch.no_grad():  # non-trivial LayerNorm parameters, so that gamma and beta are tested
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.add_(0.3 * torch.randn_like(p))
    return model


def texts_batch(tokenizer, texts=None):
    texts = texts or [s if isinstance(s, str) else s[0] + " " + s[1] for s in SENTENCES]
    enc = K.tokenize(tokenizer, texts, max_length=64)
    enc.pop("special_tokens_mask")
    assert enc["attention_mask"].min() == 0, "the test needs padding"
    return enc


def captured(model, batch):
    caps = []

    def on_layer(index, cap, layer):
        caps.append((dict(vars(cap)), decompose(cap, layer), layer))

    with torch.no_grad(), capture_layers(model, on_layer):
        model(**batch)
    return caps


@pytest.mark.parametrize("arch", ["bert", "roberta"])
def test_parts_sum_back_to_the_models_outputs(tokenizer, arch):
    model = tiny() if arch == "bert" else tiny(RobertaModel, RobertaConfig, pad_token_id=0)
    batch = texts_batch(tokenizer)
    for cap, parts, layer in captured(model, batch):
        # attention block: sum_{j!=i} g(R_ij) + g(R_ii) + g(b_O) + beta == the block's own output
        torch.testing.assert_close(parts.ln_mix + parts.ln_self + parts.ln_bias, cap["y"])
        # whole layer: the linearised FFN splits exactly; the bias part is the biases' own path
        inter, out = layer.intermediate, layer.output
        slope = cap["act"] / cap["h"]
        ffn_bias = ((parts.ln_bias @ inter.dense.weight.T + inter.dense.bias) * slope) @ out.dense.weight.T
        ln2 = out.LayerNorm
        sigma2 = torch.sqrt(cap["z2"].var(-1, keepdim=True, unbiased=False) + ln2.eps)
        u = parts.ln_bias + ffn_bias + out.dense.bias
        bias_path = ln2.weight * (u - u.mean(-1, keepdim=True)) / sigma2 + ln2.bias
        torch.testing.assert_close(parts.layer_bias, bias_path)


def test_reference_sums_back_to_the_attention_block_output(tokenizer):
    model = tiny()
    batch = texts_batch(tokenizer)
    block_out = []
    hook = model.encoder.layer[0].attention.register_forward_hook(lambda m, a, o: block_out.append(o[0]))
    with torch.no_grad():
        out = model(**batch, output_hidden_states=True, output_attentions=True)
    hook.remove()
    length = int(batch["attention_mask"][1].sum())
    _, gR, bias = reference_sequence(model, [out.hidden_states[0][1]], [out.attentions[0][1]], length)[0]
    torch.testing.assert_close(gR.sum(1) + bias, block_out[0][1, :length])


@pytest.mark.parametrize("seed", [0, 1])
def test_fast_path_equals_per_pair_reference_with_padding(tokenizer, seed):
    model = tiny(seed=seed)
    batch = texts_batch(tokenizer)
    fast = K.batch_ratios(model, batch)  # (B, n, L, M)
    ref = reference_ratios(model, batch)
    for b, r in enumerate(ref):
        n = r.shape[1]
        torch.testing.assert_close(fast[b, :n, :, :5].transpose(0, 1), r.float(), atol=1e-6, rtol=1e-5)


def test_ratios_are_ratios_and_weight_baselines_match_definitions(tokenizer):
    model = tiny()
    batch = texts_batch(tokenizer)
    with torch.no_grad():
        probs = model(**batch, output_attentions=True).attentions
    r = K.batch_ratios(model, batch)
    keep = batch["attention_mask"].bool()
    assert torch.isfinite(r[keep]).all()
    assert (r[keep] >= 0).all() and (r[keep] <= 1).all()
    m = K.MEASURES.index
    for layer, p in enumerate(probs):
        off_diag = p.mean(1) * (1 - torch.eye(p.shape[-1]))
        attn_w = off_diag.sum(-1)  # sum_{j != i} of head-averaged weights
        torch.testing.assert_close(r[..., layer, m("Attn-W")][keep], attn_w[keep].float())
        torch.testing.assert_close(r[..., layer, m("AttnRes-W")][keep], attn_w[keep].float() / 2)


def test_norm_maps_equal_per_pair_norms(tokenizer):
    model = tiny()
    batch = texts_batch(tokenizer, ["Parting is such sweet sorrow.", "a b"])
    maps = K.norm_maps(model, batch)
    with torch.no_grad():
        out = model(**batch, output_hidden_states=True, output_attentions=True)
    n = int(batch["attention_mask"][0].sum())
    for layer in range(2):
        ratios, gR, _ = reference_sequence(model, [out.hidden_states[layer][0]], [out.attentions[layer][0]], n,
                                                 first_layer=layer)[0]
        torch.testing.assert_close(maps["AttnResLn-N"][layer], gR.norm(dim=-1))
        assert maps["Attn-N"].shape == (2, n, n)
        # the maps' rows give back the ATB ratio: |sum_{j!=i}| <= sum_{j!=i} |.| so only a bound
        assert (maps["AttnResLn-N"][layer].diagonal() > 0).all()


def test_mixing_ratios_keeps_order_and_drops_padding(tokenizer):
    model = tiny().float()
    texts = ["a b c d e f g h", "x", "one two three"]
    res = K.mixing_ratios(model, tokenizer, texts, batch_size=2, progress=False)
    lengths = [len(tokenizer(t)["input_ids"]) for t in texts]
    assert len(res) == sum(lengths)
    assert np.bincount(res.text_index).tolist() == lengths
    expected = np.concatenate([tokenizer(t)["input_ids"] for t in texts])
    assert res.token_ids.tolist() == expected.tolist()
    assert res.special.sum() == 2 * len(texts)
    table = res.mean_by_layer()
    assert list(table.index) == [1, 2, "mean"] and list(table.columns) == list(K.MEASURES)


def test_cache_hits_and_rebuilds_a_corrupted_entry(tokenizer, tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CACHE", str(tmp_path))
    loaded = K.LoadedModel(model=tiny().float(), tokenizer=tokenizer, name="tiny", source="tiny-test")
    first, hit = K.cached_mixing_ratios(loaded, ["one sentence here"], progress=False)
    assert not hit
    second, hit = K.cached_mixing_ratios(loaded, ["one sentence here"], progress=False)
    assert hit and np.array_equal(first.ratios, second.ratios)
    (entry,) = (tmp_path / "kobayashi").glob("*.npz")
    entry.write_bytes(entry.read_bytes()[:50])
    third, hit = K.cached_mixing_ratios(loaded, ["one sentence here"], progress=False)
    assert not hit and np.array_equal(first.ratios, third.ratios)


def test_frequency_ranks(tokenizer):
    ranks = K.frequency_ranks(tokenizer, ["the cat", "the dog", "the cat sat"])
    the, cat, dog = tokenizer.convert_tokens_to_ids(["the", "cat", "dog"])
    assert ranks[the] < ranks[cat] < ranks[dog]
    assert ranks.max() == ranks[tokenizer.convert_tokens_to_ids("zebra")]  # unseen: bottom rank
    with pytest.raises(ValueError, match="non-empty"):
        K.frequency_ranks(tokenizer, [])


def test_unsupported_architecture_is_a_clear_error():
    from transformers import GPT2Config, GPT2Model

    model = GPT2Model(GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=20))
    with pytest.raises(K.UnsupportedModelError, match="post-LayerNorm BERT-style"):
        K.batch_ratios(model, {"input_ids": torch.zeros(1, 3, dtype=torch.long)})


def test_unreachable_model_names_the_offline_default(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # fail at once, no DNS retries
    with pytest.raises(OSError, match=K.DEFAULT_MODEL):
        K.load_model("emnlp21-nonexistent-user/no-such-model")


@pytest.fixture(scope="module")
def minilm():
    return K.load_model()


def test_real_model_sums_back_and_equals_reference(minilm):
    model, tok = minilm.model, minilm.tokenizer
    batch = texts_batch(tok)
    for cap, parts, _ in captured(model, batch):
        torch.testing.assert_close(parts.ln_mix + parts.ln_self + parts.ln_bias, cap["y"], atol=2e-5, rtol=1e-4)
    fast = K.batch_ratios(model, batch)
    for b, r in enumerate(reference_ratios(model, batch)):
        torch.testing.assert_close(fast[b, :r.shape[1], :, :5].transpose(0, 1), r, atol=2e-5, rtol=1e-4)


# --- The faster path against the previous one ------------------------------------------------------------

def _previous_batch_ratios(model, batch):
    """The decomposition as it was before the speed-up (every position, both FFN parts through W_1 and
    W_2, LayerNorm applied per part), frozen here as the oracle for the faster path."""
    from emnlp21.kobayashi.mixing import ratio

    def layernorm_split(ln, reference):
        sigma = torch.sqrt(reference.var(-1, keepdim=True, unbiased=False) + ln.eps)
        return lambda u: ln.weight * (u - u.mean(-1, keepdim=True)) / sigma

    def slope_at_zero(act_fn):
        t = torch.tensor([-1e-3, 1e-3], dtype=torch.float64)
        a = act_fn(t)
        return float((a[1] - a[0]) / 2e-3)

    def on_layer(index, cap, layer):
        attn = layer.attention
        heads = attn.self.num_attention_heads
        B, n, d = cap.x.shape
        a_self = cap.probs.diagonal(dim1=-2, dim2=-1)
        dense = attn.output.dense
        v_self = cap.v.view(B, n, heads, -1) * a_self.transpose(1, 2).unsqueeze(-1)
        attn_self = v_self.reshape(B, n, -1) @ dense.weight.T
        attn_mix = cap.z - cap.x - dense.bias - attn_self
        res_self = attn_self + cap.x
        g = layernorm_split(attn.output.LayerNorm, cap.z)
        ln_mix, ln_self = g(attn_mix), g(res_self)
        inter, output = layer.intermediate, layer.output
        slope = torch.where(cap.h != 0, cap.act / cap.h, slope_at_zero(inter.intermediate_act_fn))
        ffn_mix, ffn_self = ((torch.stack([ln_mix, ln_self]) @ inter.dense.weight.T) * slope) @ output.dense.weight.T
        g2 = layernorm_split(output.LayerNorm, cap.z2)
        attn_w = 1.0 - a_self.mean(1)
        out[index] = torch.stack([
            attn_w, ratio(attn_mix, attn_self), attn_w / 2, ratio(attn_mix, res_self), ratio(ln_mix, ln_self),
            ratio(g2(ln_mix), g2(ln_self)), ratio(g2(ln_mix + ffn_mix), g2(ln_self + ffn_self)),
        ], dim=-1).float()

    out = {}
    with torch.no_grad(), capture_layers(model, on_layer):
        model(**batch)
    return torch.stack([out[i] for i in range(len(out))], dim=2)


@pytest.mark.parametrize("seed", [0, 1])
def test_faster_path_equals_the_previous_numbers(tokenizer, seed):
    model = tiny(seed=seed)
    batch = texts_batch(tokenizer)
    keep = batch["attention_mask"].bool()
    previous = _previous_batch_ratios(model, batch)[keep]
    packed = K.packed_ratios(model, batch)
    torch.testing.assert_close(packed, previous, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(K.batch_ratios(model, batch)[keep], packed)
    assert (K.batch_ratios(model, batch)[~keep] == 0).all()
    # without the linearised FFN: the same numbers for the other measures
    subset = K.packed_ratios(model, batch, K.WITHOUT_FFN)
    torch.testing.assert_close(subset, packed[..., :len(K.WITHOUT_FFN)])
    with pytest.raises(ValueError, match="unknown measures"):
        K.packed_ratios(model, batch, ["Attn-X"])
    # layers split one at a time (a tiny memory budget per group) give the same numbers as all together
    torch.testing.assert_close(K.packed_ratios(model, batch, group_bytes=1), packed)


def test_faster_path_equals_the_previous_numbers_on_minilm(minilm):
    batch = texts_batch(minilm.tokenizer)
    keep = batch["attention_mask"].bool()
    torch.testing.assert_close(K.packed_ratios(minilm.model, batch), _previous_batch_ratios(minilm.model, batch)[keep],
                               atol=1e-5, rtol=1e-4)


# --- Masked inputs ---------------------------------------------------------------------------------------

PAIRS = [("In the beginning God created the heavens and the earth.", "The earth was formless and empty."),
         ("To be, or not to be: that is the question.", "Whether 'tis nobler in the mind to suffer."),
         ("A gorgeous, witty, seductive movie.", "It is long."),
         ("Parting is such sweet sorrow.", "Good night, good night!")] * 5


def test_masking_masks_the_share_of_non_special_tokens_deterministically(tokenizer):
    enc = tokenizer([a for a, _ in PAIRS], [b for _, b in PAIRS], return_special_tokens_mask=True)
    non_special = sum(len(s) - sum(s) for s in enc["special_tokens_mask"])
    plans = K.mask_plan(tokenizer, PAIRS, max_length=64, rate=0.12, seed=0)
    assert sum(len(p) for p in plans) == round(0.12 * non_special)
    for p, special in zip(plans, enc["special_tokens_mask"]):
        assert all(special[i] == 0 for i in p)  # never [CLS] or [SEP]
    again = K.mask_plan(tokenizer, PAIRS, max_length=64, rate=0.12, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(plans, again))
    other = K.mask_plan(tokenizer, PAIRS, max_length=64, rate=0.12, seed=1)
    assert not all(np.array_equal(a, b) for a, b in zip(plans, other))
    assert sum(len(p) for p in K.mask_plan(tokenizer, PAIRS, max_length=64, rate=0.0, seed=0)) == 0
    with pytest.raises(ValueError, match="rate"):
        K.mask_plan(tokenizer, PAIRS, max_length=64, rate=1.5, seed=0)


def test_masked_mixing_ratios_whatever_the_batching(tokenizer):
    model = tiny().float()
    seen = []
    hook = model.embeddings.word_embeddings.register_forward_hook(lambda m, args, out: seen.append(args[0].clone()))
    runs = [K.mixing_ratios(model, tokenizer, PAIRS, batch_size=b, mask_rate=0.12, mask_seed=3, progress=False)
            for b in (3, 8)]
    hook.remove()
    a, b = runs
    assert np.array_equal(a.masked, b.masked) and np.array_equal(a.token_ids, b.token_ids)
    np.testing.assert_allclose(a.ratios, b.ratios, atol=1e-5)
    assert a.masked.sum() == round(0.12 * (~a.special).sum()) and not (a.masked & a.special).any()
    plain = K.mixing_ratios(model, tokenizer, PAIRS, batch_size=8, progress=False)
    assert np.array_equal(plain.token_ids, a.token_ids)  # the text's own tokens are kept
    assert not plain.masked.any() and not np.allclose(plain.ratios, a.ratios)  # the model saw [MASK]
    fed = torch.cat([s.flatten() for s in seen])
    assert (fed == tokenizer.mask_token_id).sum() == 2 * a.masked.sum()  # both runs fed [MASK] there
    table = K.token_table(a, np.arange(1, len(tokenizer) + 1), tokenizer)
    assert len(K.frequency.subset(table, "all tokens")) == len(table) - a.masked.sum()


# --- The bootstrap over sentence pairs ---------------------------------------------------------------------

def test_weighted_spearman_equals_spearman_of_the_expanded_sample():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(0)
    x = rng.integers(0, 15, 400).astype(float)  # many ties, as frequency ranks have
    y = 0.2 * x + rng.normal(size=400)
    y[:20] = y[0]
    w = rng.integers(0, 4, 400)
    assert K.weighted_spearman(x, y, w) == pytest.approx(spearmanr(np.repeat(x, w), np.repeat(y, w)).statistic, abs=1e-12)


def _fake_pairs(n_pairs, seed=0, per_pair=20):
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(n_pairs), per_pair)
    pair_effect = rng.normal(size=n_pairs)[group]  # pairs differ, so tokens of a pair are not independent
    rank = rng.integers(1, 500, len(group)).astype(float)
    ratio = -0.3 * np.log(rank) + pair_effect + rng.normal(size=len(group))
    return rank, ratio, group


def test_vectorised_weighted_spearman_equals_spearman_of_each_expanded_resample():
    from scipy.stats import spearmanr

    rank, ratio, group = _fake_pairs(30, per_pair=12)
    rank = np.minimum(rank, 40.0)  # many ties in x
    ratio[:25] = ratio[0]  # ties in y too, across pairs
    counts = np.concatenate(list(K.pair_resamples(30, 6, seed=1)))
    want = [spearmanr(np.repeat(rank, c[group].astype(int)), np.repeat(ratio, c[group].astype(int))).statistic
            for c in counts]
    for cells in (20_000_000, 70):  # all distinct values at once, or a few per block
        got = K.weighted_spearman_many(rank, ratio, group, counts, block_cells=cells)
        np.testing.assert_allclose(got, want, atol=1e-12)
    distinct = _fake_pairs(30, per_pair=12)[1]  # no ties in y: the tie term comes from the counts alone
    got = K.weighted_spearman_many(rank, distinct, group, counts)
    np.testing.assert_allclose(got, [spearmanr(np.repeat(rank, c[group].astype(int)),
                                               np.repeat(distinct, c[group].astype(int))).statistic for c in counts],
                               atol=1e-12)


def test_pair_resamples_are_the_same_draws_whatever_the_chunk():
    whole = np.concatenate(list(K.pair_resamples(17, 300, seed=4, chunk=300)))
    pieces = np.concatenate(list(K.pair_resamples(17, 300, seed=4, chunk=7)))
    assert np.array_equal(whole, pieces) and whole.shape == (300, 17) and (whole.sum(1) == 17).all()
    assert not np.array_equal(whole, np.concatenate(list(K.pair_resamples(17, 300, seed=5))))
    with pytest.raises(ValueError, match="two sentence pairs"):
        next(K.pair_resamples(1, 10))


def test_bootstrap_interval_covers_the_estimate_and_narrows_with_more_pairs():
    from scipy.stats import spearmanr

    few = K.bootstrap_spearman(*_fake_pairs(40), resamples=1000, level=0.9, seed=0)
    many = K.bootstrap_spearman(*_fake_pairs(640), resamples=1000, level=0.9, seed=0)
    assert K.bootstrap_spearman(*_fake_pairs(40), resamples=1000, level=0.9, seed=0) == few  # seeded
    assert (few.estimate.items, few.tokens) == (40, 800)
    few, many = few.estimate, many.estimate
    for e in (few, many):
        assert e.low <= e.value <= e.high and e.level == pytest.approx(0.9) and e.resamples == 1000
    assert many.high - many.low < 0.5 * (few.high - few.low)  # about 1/4 with 16x the pairs
    assert few.value == pytest.approx(spearmanr(*_fake_pairs(40)[:2]).statistic)
    with pytest.raises(ValueError, match="too few"):
        K.bootstrap_spearman(*_fake_pairs(40), resamples=1000, seed=0)  # a 99 % interval needs 10,000


def test_the_books_rho_interval_is_99_percent_over_10000_resamples():
    e = K.bootstrap_spearman(*_fake_pairs(40, per_pair=10), seed=0)
    assert (e.estimate.resamples, e.estimate.level, e.estimate.items, e.estimate.pretrain_seeds) == (10_000, 0.99, 40, 1)
    assert e.estimate.test == "percentile bootstrap over sentence pairs"


def test_the_rho_regions_judge_the_whole_interval_against_the_least_size():
    from emnlp21.core.evidence import Estimate

    def est(rho, low, high):
        return K.RhoEstimate(estimate=Estimate(rho, low, high, items=100), tokens=5000)

    assert K.MIX_MORE.judge(est(-0.3, -0.35, -0.25).estimate) == "holds"
    assert K.MIX_MORE.judge(est(-0.3, -0.5, 0.02).estimate) == "inconclusive"  # reaches past -0.1
    assert K.MIX_MORE.judge(est(-0.05, -0.07, -0.03).estimate) == "fails"  # excludes zero, but too small
    assert K.MIX_MORE.judge(est(0.3, 0.2, 0.4).estimate) == "fails"
    assert K.MIX_LESS.judge(est(0.3, 0.2, 0.4).estimate) == "holds"


def test_bootstrap_means_is_paired_over_pairs_and_equals_the_mean_row():
    rng = np.random.default_rng(0)
    text = np.repeat(np.arange(50), rng.integers(3, 30, 50))  # pairs of different lengths
    base = rng.uniform(0.2, 0.8, 50)[text][:, None, None] + rng.normal(0, 0.05, (len(text), 2, 1))
    ratios = np.concatenate([base + 0.1, base], axis=2).astype(np.float32)  # measure A = B + 10 points everywhere
    result = K.MixingRatios(ratios=ratios, token_ids=np.zeros(len(text), int), text_index=text,
                            position=np.zeros(len(text), int), special=np.zeros(len(text), bool), measures=("A", "B"))
    mean = K.bootstrap_means(result, lambda m: m["A"], test="t", resamples=1000, level=0.9)
    assert mean.value == pytest.approx(result.mean_by_layer().loc["mean", "A"], rel=1e-6)
    assert mean.low < mean.value < mean.high and mean.items == 50 and mean.high - mean.low > 1
    diff = K.bootstrap_means(result, lambda m: m["A"] - m["B"], test="t", resamples=1000, level=0.9)
    assert diff.value == pytest.approx(10, abs=1e-3) and diff.high - diff.low < 1e-3  # paired: the pairs cancel


# --- The book's own MLMs (transformers BertModel without pooler, SDPA attention) --------------------------

@pytest.fixture(scope="module")
def book_mlm(tokenizer):
    from types import SimpleNamespace

    from emnlp21.pretraining import PretrainConfig
    from emnlp21.pretraining.modeling import build_encoder

    config = PretrainConfig(corpus_id="test", corpus_fingerprint="x", tokenizer_fingerprint="y",
                            vocab_size=len(tokenizer), layers=2, hidden=32, heads=4, intermediate=64, seq_len=16)
    torch.manual_seed(0)
    encoder = build_encoder(config).double()  # SDPA, no pooler, as pretraining builds it
    with torch.no_grad():
        for name, p in encoder.named_parameters():
            if "LayerNorm" in name:
                p.add_(0.3 * torch.randn_like(p))
    pretrained = SimpleNamespace(encoder=encoder, tokenizer=tokenizer, config=config,
                                 model=SimpleNamespace(encoder=encoder))
    return pretrained


def test_book_mlm_path_sums_back_and_equals_reference(book_mlm):
    assert book_mlm.encoder.pooler is None and book_mlm.encoder.config._attn_implementation == "sdpa"
    loaded = K.from_pretrained(book_mlm, name="test MN")
    assert loaded.max_length == 16 and loaded.source.endswith(book_mlm.config.key())
    assert loaded.model.config._attn_implementation == "eager"
    batch = texts_batch(loaded.tokenizer)
    for cap, parts, layer in captured(loaded.model, batch):
        torch.testing.assert_close(parts.ln_mix + parts.ln_self + parts.ln_bias, cap["y"])
        torch.testing.assert_close(parts.layer_mix + parts.layer_self + parts.layer_bias, cap["out"])
    assert K.block_sum_error(loaded.model, batch) < 1e-12
    fast = K.batch_ratios(loaded.model, batch)
    for b, r in enumerate(reference_ratios(loaded.model, batch)):
        torch.testing.assert_close(fast[b, :r.shape[1], :, :5].transpose(0, 1), r.float(), atol=1e-6, rtol=1e-5)
    with pytest.raises(K.UnsupportedModelError, match="pass its .encoder"):
        K.batch_ratios(book_mlm.model, batch)


# --- The chapter's claims on made-up numbers -----------------------------------------------------------------

def _est(value, low, high, seeds=1):
    from emnlp21.core.evidence import Estimate

    return Estimate(value, low, high, pretrain_seeds=seeds, items=160, resamples=10_000)


def _fake_run(key, rho=(-0.4, -0.45, -0.35), ordering=(10.0, 5.0, 15.0), ratio=(0.2, 0.18, 0.23), controls=(),
              procedure=False, seeds=1, whole=None):
    import pandas as pd

    from emnlp21.kobayashi.verdicts import Run

    means = pd.Series({"Attn-W": 96.0, "Attn-N": 85.0, "AttnRes-W": 48.0, "AttnRes-N": 22.0, "AttnResLn-N": 18.0,
                       "Layer-N (no FFN)": 20.0, "Layer-N (FFN lin.)": 25.0})
    e = K.RhoEstimate(estimate=_est(*rho, seeds=seeds), tokens=8000)
    return Run(key=key, label=key or "real-text MN", label_ja=key or "実テキストの MN", means=means, rho=e, rho_words=e,
               ordering=_est(*ordering, seeds=seeds), atb_ratio=_est(*ratio, seeds=seeds),
               whole_layer=None if whole is None else _est(*whole), controls=list(controls), procedure=procedure)


def test_claim_kinds_and_verdicts():
    from emnlp21 import book
    from emnlp21.kobayashi import verdicts

    from emnlp21.pretraining.report import beyond_unigram_control

    learned = beyond_unigram_control(_est(2.0, 1.8, 2.2), threshold=1.5)  # the gap's whole interval above the bar
    unlearned = beyond_unigram_control(_est(1.6, 1.4, 1.8), threshold=1.5)  # across it
    assert learned.passed and not unlearned.passed
    runs = [_fake_run("minilm", whole=(0.25, 0.22, 0.28)),  # one released model: every interval inside
            _fake_run("minilm-masked", rho=(-0.05, -0.07, -0.03), ordering=(1.0, -0.5, 2.0), ratio=(0.5, 0.45, 0.55)),
            _fake_run("", controls=[learned], procedure=True),  # the book's MLM, one pre-training run
            _fake_run("grammar-mn", controls=[unlearned], procedure=True, seeds=3),
            _fake_run("other", rho=(0.3, 0.2, 0.4), ordering=(-3.0, -4.0, -2.0), ratio=(0.7, 0.6, 0.8),
                      whole=(0.6, 0.55, 0.65))]
    claims = book.Claims("kobayashi", "test")
    verdicts.add_claims(claims, runs, sum_errors={"MiniLM": 1e-7, "grammar MN": 2e-7})
    got = {c.id: (c.kind, c.verdict) for c in claims.items}
    for name in ("ordering", "atb-far-below-attention", "frequent-words-mix-more"):
        assert got[f"kobayashi.{name}-minilm"] == ("finding", "holds")  # interval wholly inside
        assert got[f"kobayashi.{name}-other"] == ("finding", "fails")  # wholly outside
        assert got[f"kobayashi.{name}"] == ("finding", "inconclusive")  # one run of a recipe
        assert got[f"kobayashi.{name}-grammar-mn"] == ("finding", "inconclusive")  # control failed
    assert got["kobayashi.frequent-words-mix-more-minilm-masked"] == ("finding", "fails")  # too small
    assert got["kobayashi.ordering-minilm-masked"] == ("finding", "inconclusive")  # across 0
    assert got["kobayashi.atb-far-below-attention-minilm-masked"] == ("finding", "inconclusive")  # across 0.5
    assert got["kobayashi.beyond-whole-layer-minilm"] == ("check", "holds")
    assert got["kobayashi.beyond-whole-layer-other"] == ("check", "fails")
    assert got["kobayashi.parts-sum-back"] == ("construction", "holds")
    assert len(got) == 3 * len(runs) + 3
    by_id = {c.id: c for c in claims.items}
    headline = by_id["kobayashi.frequent-words-mix-more"]
    assert headline.procedure and "pre-training" in headline.reasons[0]["en"]
    assert headline.en.startswith("real-text MN: ") and headline.ja.startswith("実テキストの MN：")
    assert not by_id["kobayashi.ordering-minilm"].procedure
    c = by_id["kobayashi.frequent-words-mix-more-grammar-mn"]
    assert c.numbers["min_rho"] == K.MIN_RHO and c.failed_controls
    assert c.text("ours", "ja") != c.text("ours", "en")
    assert by_id["kobayashi.ordering-minilm"].needs_text("en").startswith("> 0 points")


def test_a_finding_on_the_books_mlm_holds_with_enough_pretraining_runs_and_the_sum_back_can_fail():
    from emnlp21 import book
    from emnlp21.core import evidence
    from emnlp21.kobayashi import verdicts
    from emnlp21.pretraining.report import beyond_unigram_control

    claims = book.Claims("kobayashi", "test")
    run = _fake_run("", controls=[beyond_unigram_control(_est(2.0, 1.8, 2.2), threshold=1.5)], procedure=True,
                   seeds=evidence.MIN_SEEDS)
    verdicts.add_claims(claims, [run], sum_errors={"MN": 1e-3})
    got = {c.id: c.verdict for c in claims.items}
    assert got == {"kobayashi.ordering": "holds", "kobayashi.atb-far-below-attention": "holds",
                   "kobayashi.frequent-words-mix-more": "holds", "kobayashi.parts-sum-back": "fails"}

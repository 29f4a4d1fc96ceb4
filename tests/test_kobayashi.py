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

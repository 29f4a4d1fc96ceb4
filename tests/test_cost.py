"""The full profile's pre-training cost on paper (emnlp21.book.cost)."""

from __future__ import annotations

import pytest

from emnlp21.book import cost


def test_real_text_mlm_flops_by_hand():
    run = next(r for r in cost.pretraining_runs("full") if r.chapter == "small_models" and r.name == "real-text MLM")
    c = run.config
    assert (c.layers, c.hidden, c.intermediate, c.seq_len, c.batch_size, c.steps, c.vocab_size) == \
        (6, 512, 2048, 128, 128, 20000, 16000)
    # per token and layer: 2 (4 H² + 2 H I) = 6,291,456 for the matmuls, 4 T H = 262,144 for attention;
    # six layers: 39,321,600; the MLM head on 15 % of the tokens: 2 H V 0.15 = 2,457,600; ×3 for backward
    per_token = 3 * (6 * (6_291_456 + 262_144) + 2_457_600)
    assert per_token == 125_337_600
    assert run.flops == pytest.approx(per_token * 128 * 128 * 20000, rel=1e-12)  # 4.107e16
    assert run.tokens == 128 * 128 * 20000
    assert cost.h100_hours(run.flops) == pytest.approx(run.flops / (0.4 * 989e12) / 3600)


def test_total_counts_shared_models_once():
    table = cost.cost_table("full")
    runs = cost.pretraining_runs("full")
    assert table.loc[["small_models", "sinha", "wei", "yamaguchi"], "runs"].sum() == len(runs)
    shared = [r for r in runs if r.shared]
    duplicates = len(shared) - len({r.shared for r in shared})
    assert duplicates == 3  # the real-text MLM in Sinha+ and Yamaguchi+, the grammar MLM in Yamaguchi+
    assert table.loc["total", "runs"] == len(runs) - duplicates
    assert table.loc["total", "flops"] < table.drop("total").flops.sum()
    assert table.loc["total", "h100_hours"] == pytest.approx(cost.h100_hours(table.loc["total", "flops"]))
    quick = cost.cost_table("quick")
    assert quick.loc["total", "flops"] < table.loc["total", "flops"] / 50  # the quick profile is far smaller
    shown = cost.draw_cost_table(table, "ja")
    assert shown.index[-1] == "合計（共有モデルは 1 回）" and "H100 での分数（MFU 40%）" in shown.columns


def test_the_cost_is_the_profiles_even_in_a_dry_run(monkeypatch):
    from emnlp21.book import params

    monkeypatch.setenv(params.DRY_RUN_ENV, "1")
    assert params.parameters("small_models", {"profile": "full"}).steps == 20  # what a dry-run notebook sees
    run = cost.pretraining_runs("full")[0]
    assert run.config.steps == 20000 and run.config.batch_size == 128  # what the estimate counts


def test_wei_costs_a_grammar_model_and_a_controlled_corpus_model_per_seed():
    from emnlp21.book import params

    we = params.parameters("wei", {"profile": "full"}, dry_run=False)
    runs = [r for r in cost.pretraining_runs("full") if r.chapter == "wei"]
    assert sorted(r.name for r in runs) == sorted([f"grammar setting, seed {s}" for s in we.seeds]
                                                  + [f"controlled corpus, seed {s}" for s in we.seeds])
    grammar = [r.config for r in runs if r.name.startswith("grammar")]
    assert {(c.steps, c.vocab_size, c.seq_len) for c in grammar} == {(we.grammar_steps, we.grammar_vocab, we.grammar_seq_len)}

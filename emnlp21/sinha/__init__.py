"""Sinha+ 2021, "Masked Language Modeling and the Distributional Hypothesis": word-order variants.

Corpus variants, built sentence by sentence at the word level (whitespace words, before any subword
segmentation, as in the paper):

- ``MN``: the natural corpus;
- ``M1`` … ``M4``: each sentence cut into consecutive blocks of n words, the blocks permuted
  (:func:`shuffle_ngrams`): the sentence's word multiset, its length and the n-grams inside each
  block are kept, the order between blocks is lost;
- ``MUG``: each sentence replaced by as many words drawn independently from the corpus's unigram
  distribution (:func:`sample_unigram`).

Model variants on the natural corpus (:func:`variant_config`): ``MNP`` (no position embeddings) and
``MRI`` (random initialisation, no pre-training). Everything else — model size, tokenizer, tokens
and steps — is the same for all variants, so each differs from ``MN`` in one thing only.

:func:`shuffle_text` is §4.2's fine-tuning transform (training texts shuffled, dev texts natural),
and :func:`adjacent_pair_overlap` measures the order that word-level shuffling leaks through subword
segmentation (Ravishankar+ 2022).

The package: :mod:`.variants` (the corpora and models), :mod:`.probes` (forward-only diagnostics),
:mod:`.tables` (our Table 1), :mod:`.paper` (the paper's), :mod:`.verdicts` (the claims and their
controls), :mod:`.figures`.
"""

from .figures import draw_agreement_curve, draw_gaps, draw_loss_curves, draw_ngram, draw_shuffled_ft
from .paper import (M1_GAP_POINTS, NEAREST, PAPER_ORDER_FREE, PAPER_ORDER_SENSITIVE, PAPER_SOURCE, PAWS_GAP_POINTS,
                    SHUFFLED_FT_POINTS, paper_accuracy, paper_table)
from .probes import (ATTRACTED, agreement_accuracy, agreement_curve, agreement_items, order_preference,
                     order_preference_items)
from .tables import beside_paper, gap_to_mn, mean_accuracy_gap, mean_std_table, monotone_share, test_accuracy
from .variants import (CORPUS_VARIANTS, MODEL_VARIANTS, VARIANTS, adjacent_pair_overlap, adjacent_pairs, corpus_id,
                       corpus_variant, ngram_permutation, ngram_size, sample_unigram, shuffle_ngrams, shuffle_text,
                       shuffle_token_ids, unigram_distribution, variant_config)
from .verdicts import (CHANCE_TOLERANCE_POINTS, SHUFFLED_FT, add_agreement_claims, add_claims, add_real_text_claims,
                       baseline_margin, controls_for, gap, item_scores, learned_control, ngram_slope, object_effect,
                       order_control, preference_scores, table_row, value)

__all__ = [
    "draw_agreement_curve", "draw_gaps", "draw_loss_curves", "draw_ngram", "draw_shuffled_ft",
    "M1_GAP_POINTS", "NEAREST", "PAPER_ORDER_FREE", "PAPER_ORDER_SENSITIVE", "PAPER_SOURCE", "PAWS_GAP_POINTS",
    "SHUFFLED_FT_POINTS", "paper_accuracy", "paper_table",
    "ATTRACTED", "agreement_accuracy", "agreement_curve", "agreement_items", "order_preference",
    "order_preference_items",
    "beside_paper", "gap_to_mn", "mean_accuracy_gap", "mean_std_table", "monotone_share", "test_accuracy",
    "CORPUS_VARIANTS", "MODEL_VARIANTS", "VARIANTS", "adjacent_pair_overlap", "adjacent_pairs", "corpus_id",
    "corpus_variant", "ngram_permutation", "ngram_size", "sample_unigram", "shuffle_ngrams", "shuffle_text",
    "shuffle_token_ids", "unigram_distribution", "variant_config",
    "CHANCE_TOLERANCE_POINTS", "SHUFFLED_FT", "add_agreement_claims", "add_claims", "add_real_text_claims",
    "baseline_margin", "controls_for", "gap", "item_scores", "learned_control", "ngram_slope", "object_effect",
    "order_control", "preference_scores", "table_row", "value",
]

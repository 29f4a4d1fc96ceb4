"""Kobayashi et al. (EMNLP 2021): how much the whole attention block (attention, residual, LayerNorm)
mixes context into each token, measured by vector norms, for any post-LN BERT-style encoder."""

from .frequency import (MIN_RHO, MIX_LESS, MIX_MORE, RhoEstimate, bootstrap_rho, bootstrap_spearman, frequency_ranks,
                        layer_mean_ratios, rank_correlations, token_table, weighted_spearman, weighted_spearman_many)
from .masking import PAPER_RATE, apply_mask, mask_plan
from .mixing import (LAYER_MEASURES, MEASURES, PAPER_MEASURES, WITHOUT_FFN, batch_ratios, block_sum_error, decompose,
                     norm_maps, packed_ratios)
from .model import (DEFAULT_MODEL, LoadedModel, UnsupportedModelError, from_pretrained, load_model,
                    packaged_model_dir)
from .run import (MixingRatios, bootstrap_means, cached_mixing_ratios, mixing_ratios, pair_resamples, sentence_pairs,
                  sum_check_batch, tokenize)

__all__ = [
    "MIN_RHO", "MIX_LESS", "MIX_MORE", "RhoEstimate", "bootstrap_rho", "bootstrap_spearman", "frequency_ranks",
    "layer_mean_ratios", "rank_correlations", "token_table", "weighted_spearman", "weighted_spearman_many",
    "PAPER_RATE", "apply_mask", "mask_plan",
    "LAYER_MEASURES", "MEASURES", "PAPER_MEASURES", "WITHOUT_FFN", "batch_ratios", "block_sum_error", "decompose",
    "norm_maps", "packed_ratios", "DEFAULT_MODEL", "LoadedModel", "UnsupportedModelError", "from_pretrained",
    "load_model", "packaged_model_dir", "MixingRatios", "bootstrap_means", "cached_mixing_ratios", "mixing_ratios",
    "pair_resamples", "sentence_pairs", "sum_check_batch", "tokenize",
]

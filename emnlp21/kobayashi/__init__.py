"""Kobayashi et al. (EMNLP 2021): how much the whole attention block (attention, residual, LayerNorm)
mixes context into each token, measured by vector norms, for any post-LN BERT-style encoder."""

from .frequency import frequency_ranks, layer_mean_ratios, rank_correlations, token_table
from .mixing import LAYER_MEASURES, MEASURES, PAPER_MEASURES, batch_ratios, decompose, norm_maps
from .model import DEFAULT_MODEL, LoadedModel, UnsupportedModelError, load_model, packaged_model_dir
from .run import MixingRatios, cached_mixing_ratios, mixing_ratios, sentence_pairs, tokenize

__all__ = [
    "frequency_ranks", "layer_mean_ratios", "rank_correlations", "token_table", "sentence_pairs", "LAYER_MEASURES", "MEASURES",
    "PAPER_MEASURES", "batch_ratios", "decompose", "norm_maps", "DEFAULT_MODEL", "LoadedModel",
    "UnsupportedModelError", "load_model", "packaged_model_dir", "MixingRatios", "cached_mixing_ratios",
    "mixing_ratios", "tokenize",
]

"""Wei+ 2021, "Frequency Effects on Syntactic Rule Learning in Transformers": subject–verb agreement of
small MLMs pre-trained on a corpus whose target-verb frequencies we control.

- :mod:`.words`: the counting unit (lower-cased words) and :class:`VerbPair` (``rules``/``rule``).
- :mod:`.counts`: :class:`WordCounts`, word and same-sentence pair counts (sparse sentence × word).
- :mod:`.control`: :func:`control_verb_counts`, real sentences removed/added to exact form counts.
- :mod:`.stimuli`: agreement frames mined with spaCy (attractors, nonce subjects).
- :mod:`.scoring`: logits at the masked verb, seen/unseen, argmax P(V) and argmax P(SV).
- :mod:`.analysis`: tables and curves, the paper's Table 2.
- :mod:`.experiment`: the real-text pipeline the notebook calls.
- :mod:`.grammar_setting`: the same design in the controlled grammar, and the positive control.
- :mod:`.verdicts`: the claims of both settings: estimates with their intervals, regions and controls.
- :mod:`.figures`: Table 2 beside the paper's, the shapes of Figures 1–2.
- :mod:`.paper`: the paper's numbers and their sources.
"""

from .analysis import (PAPER_OVERALL, PAPER_SOURCE, PAPER_SOURCE_JA, PAPER_TABLE2, error_by, error_table, log_bins,
                       overall_error, per_verb, trend)
from .control import ControlledCorpus, assign_design, clean_pools, control_verb_counts, frequency_grid
from .counts import WordCounts
from . import figures, grammar_setting, paper, verdicts
from .experiment import (Stimuli, add_grid_columns, build_stimuli, candidate_verbs, design_corpus, evaluate, mined_stimuli,
                         verb_pairs_from_lemmas)
from .scoring import add_baselines, add_training_counts, argmax_error, keep_scorable, score_nonce
from .stimuli import frames_from_doc, load_parser, mine, natural_items, nonce_sentences, verb_pairs_of
from .words import VerbPair, third_person, words

__all__ = [
    "figures", "grammar_setting", "paper", "verdicts",
    "PAPER_OVERALL", "PAPER_SOURCE", "PAPER_SOURCE_JA", "PAPER_TABLE2", "error_by", "error_table", "log_bins", "overall_error",
    "per_verb", "trend", "ControlledCorpus", "assign_design", "clean_pools", "control_verb_counts",
    "frequency_grid", "WordCounts", "Stimuli", "add_grid_columns", "build_stimuli", "candidate_verbs", "design_corpus",
    "evaluate",
    "mined_stimuli", "verb_pairs_from_lemmas", "add_baselines", "add_training_counts", "argmax_error", "keep_scorable",
    "score_nonce", "frames_from_doc", "load_parser", "mine", "natural_items",
    "nonce_sentences", "verb_pairs_of", "VerbPair", "third_person", "words",
]

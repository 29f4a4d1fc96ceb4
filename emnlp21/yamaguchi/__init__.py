"""Yamaguchi+ 2021, "Frustratingly Simple Pretraining Alternatives to Masked Language Modeling".

Importing the package registers the five objectives (:mod:`.objectives`) with the pre-training
toolkit, so ``cfg.replace(objective="shuffle_random")`` trains one. The package: :mod:`.objectives`,
:mod:`.measure` (collators, own-task predictions and accuracy, FLOPs and wall time per step), :mod:`.tables` (the
fine-tuning scores as the paper's tables, the compute curve), :mod:`.verdicts`, :mod:`.paper`,
:mod:`.figures`.
"""

from .figures import draw_compute_curve, draw_pretraining_curves, draw_step_cost
from .measure import (example_table, manipulation_rates, objective_accuracy, objective_predictions, own_task_summary,
                      step_flops, time_steps)
from .objectives import (FIRST_CHAR_CLASSES, LABELS, OBJECTIVES, TOKEN_TYPES, FirstChar, Random, Shuffle,
                         ShuffleRandom, TokenType, choose, class_table, first_char_class, random_tokens, shuffle_among,
                         stop_words, token_type)
from .paper import NEAR_MLM_POINTS, NEAR_MLM_SOURCE, NO_PRETRAINING_PAPER, PAPER_SOURCE
from .tables import (NO_PRETRAINING, REFERENCES, average_by_seed, compute_curve, evidence_frame, example_view,
                     finetune_with_checkpoints, item_scores, label, score_table, tidy_scores)
from .verdicts import (add_cost_claims, add_downstream_claims, least_difference, mlm_control, own_task_controls,
                       own_task_estimate, step_time_ratio)

__all__ = [
    "draw_compute_curve", "draw_pretraining_curves", "draw_step_cost",
    "example_table", "manipulation_rates", "objective_accuracy", "objective_predictions", "own_task_summary",
    "step_flops", "time_steps",
    "FIRST_CHAR_CLASSES", "LABELS", "OBJECTIVES", "TOKEN_TYPES", "FirstChar", "Random", "Shuffle", "ShuffleRandom",
    "TokenType", "choose", "class_table", "first_char_class", "random_tokens", "shuffle_among", "stop_words",
    "token_type", "NEAR_MLM_POINTS", "NEAR_MLM_SOURCE", "NO_PRETRAINING_PAPER", "PAPER_SOURCE",
    "NO_PRETRAINING", "REFERENCES", "average_by_seed", "compute_curve", "evidence_frame", "example_view",
    "finetune_with_checkpoints", "item_scores", "label", "score_table", "tidy_scores",
    "add_cost_claims", "add_downstream_claims", "least_difference", "mlm_control", "own_task_controls",
    "own_task_estimate", "step_time_ratio",
]

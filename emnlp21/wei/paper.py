"""The paper's numbers, in one place, each with where it is stated (Wei, Garrette, Linzen & Pavlick,
"Frequency Effects on Syntactic Rule Learning in Transformers", EMNLP 2021)."""

from __future__ import annotations

import pandas as pd

SOURCE = "Wei, Garrette, Linzen & Pavlick, EMNLP 2021, Table 2 and §5.1"
SOURCE_JA = "Wei, Garrette, Linzen & Pavlick, EMNLP 2021，表 2 と §5.1"
# Error rates (%) of Table 2: rows = learner, columns = (condition, seen/unseen). "Unseen": the subject
# shared no pre-training sentence with either form of the verb, so argmax P(SV) is exactly 50.0 there.
TABLE2 = pd.DataFrame(
    {("natural", "seen"): [39.1, 22.9, 3.3], ("natural", "unseen"): [39.0, 50.0, 8.8],
     ("nonce", "seen"): [50.0, 41.2, 15.6], ("nonce", "unseen"): [50.0, 50.0, 17.6]},
    index=["argmax P(V)", "argmax P(SV)", "BERT"])
OVERALL = {"natural": 3.2, "nonce": 16.8}  # §5.1
# §5.4 / Fig. 2: on nonce sentences, error 2.2 % where the target form was 16 times as frequent as its competitor.
CAUSE_ERROR_POINT = {"ratio": 16.0, "nonce_error": 2.2}
SOURCES = {
    "table2": ("Wei+ 2021, Table 2", "Wei+ 2021，表 2"),
    "overall": ("Wei+ 2021, §5.1", "Wei+ 2021，§5.1"),
    "reduce": ("Wei+ 2021, §5.3, Fig. 1", "Wei+ 2021，§5.3，図 1"),
    "cause": ("Wei+ 2021, §5.4, Fig. 2", "Wei+ 2021，§5.4，図 2"),
}

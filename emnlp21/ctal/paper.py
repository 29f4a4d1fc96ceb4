"""The paper's numbers, in one place, each with its source (Li+ 2021, EMNLP; real corpora, not ours).

Table 1: IEMOCAP emotion (WA, UA; 5-fold cross-validation over sessions). Table 2: CMU-MOSEI sentiment
(Acc2, F1, MAE, Corr). Table 3: LibriSpeech speaker verification (EER on test-clean's 40 new speakers).
The table prints Yoon+ 2018's dual-RNN model as "MRDE"; its repository and paper call it MDRE.
"""

from __future__ import annotations

import pandas as pd

SOURCE = ("Li+ 2021, Tables 1-3", "Li+ 2021 表 1〜3")
TABLE_SOURCE = {"WA": "Table 1", "UA": "Table 1", "Acc2": "Table 2", "F1": "Table 2", "MAE": "Table 2",
                "Corr": "Table 2", "EER": "Table 3"}
RESULTS = pd.DataFrame({
    "CTAL-base": {"WA": 0.7286, "UA": 0.7370, "Acc2": 0.8036, "F1": 0.8055, "MAE": 0.6061, "Corr": 0.6828, "EER": 0.0194},
    "CTAL-large": {"WA": 0.7395, "UA": 0.7463, "Acc2": 0.8077, "F1": 0.8101, "MAE": 0.6027, "Corr": 0.6809, "EER": 0.0155},
    "LSTM_alignment": {"WA": 0.6900, "UA": 0.7014},
    "MDRE": {"WA": 0.6702, "UA": 0.6764},
    "MHA": {"WA": 0.6780, "UA": 0.6880},
    "MulT": {"Acc2": 0.7966, "F1": 0.8008, "MAE": 0.6367, "Corr": 0.6292},
    "GE2E": {"EER": 0.0379},
    "RawNet": {"EER": 0.0253},
}).T

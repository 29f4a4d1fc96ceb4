"""The paper's own numbers (Table 1, from data/sinha2021_table1.csv) and how our tasks map to its."""

from __future__ import annotations

import pandas as pd

from ..book import data_dir

PAPER_SOURCE = "Sinha+ 2021, Table 1 (RoBERTa-base, BookWiki, GLUE/PAWS-Wiki dev, mean ± std over seeds)"


def paper_table():
    """The paper's Table 1 as a tidy frame (variant, task, metric, mean, std, source), in points."""
    return pd.read_csv(data_dir() / "sinha2021_table1.csv")


# The paper's task nearest to each of ours (our hedge task has none).
NEAREST = {"sentiment": "SST-2", "paraphrase": "MRPC", "word_order": "PAWS", "hedge": None}

"""The paper's own numbers, to print beside ours (never used in any computation of ours)."""

SOURCE = ("Kobayashi et al. 2021 (EMNLP, 2021.emnlp-main.373), public repository "
          "gorokoba560/norm-analysis-of-transformer, emnlp2021/ (Wikipedia pairs, 12% of tokens masked)")

# Mean mixing ratio over layers and tokens, percent.
MEANS = {
    "BERT-base": {"Attn-W": 96.41, "Attn-N": 85.28, "AttnRes-W": 48.21, "AttnRes-N": 22.25, "AttnResLn-N": 18.75},
    "RoBERTa-base": {"Attn-W": 95.81, "Attn-N": 84.42, "AttnRes-W": 47.91, "AttnRes-N": 19.55, "AttnResLn-N": 16.24},
}

# Spearman's rho between frequency rank (1 = most frequent) and the layer-averaged ratio, BERT-base.
SPEARMAN = {"Attn-W": 0.16, "Attn-N": -0.39, "AttnRes-N": -0.84, "AttnResLn-N": -0.54}
SPEARMAN_WITHOUT_SPECIALS = {"AttnResLn-N": -0.58}

"""The encoder (a transformers ``BertModel``, SDPA attention) with an objective's head beside it."""

from __future__ import annotations

import torch
from torch import nn

from .config import PretrainConfig
from .objectives import Objective, get_objective


def build_encoder(config: PretrainConfig, *, attn_implementation: str = "sdpa"):
    """A randomly initialised ``BertModel`` (BERT's 0.02-std init: no denormal floats) of this size.

    With ``config.positions`` False the position embeddings are zero and frozen: the encoder then
    cannot tell token order apart (permuting the input permutes the output).
    """
    from transformers import BertConfig, BertModel

    bert_config = BertConfig(
        vocab_size=config.vocab_size, hidden_size=config.hidden, num_hidden_layers=config.layers,
        num_attention_heads=config.heads, intermediate_size=config.intermediate,
        max_position_embeddings=config.max_positions, type_vocab_size=2, pad_token_id=0,
        hidden_dropout_prob=config.dropout, attention_probs_dropout_prob=config.dropout,
        attn_implementation=attn_implementation,
    )
    encoder = BertModel(bert_config, add_pooling_layer=False)
    if not config.positions:
        disable_positions(encoder)
    return encoder


def disable_positions(encoder) -> None:
    emb = encoder.embeddings.position_embeddings
    with torch.no_grad():
        emb.weight.zero_()
    emb.weight.requires_grad_(False)


class PretrainingModel(nn.Module):
    """``encoder`` (BertModel) + ``head`` (the objective's, over the last hidden state)."""

    def __init__(self, encoder: nn.Module, head: nn.Module, objective: Objective):
        super().__init__()
        self.encoder, self.head = encoder, head
        self.objective = objective

    @classmethod
    def from_config(cls, config: PretrainConfig, tokenizer) -> "PretrainingModel":
        objective = get_objective(config.objective, config.settings)
        encoder = build_encoder(config)
        head = objective.make_head(config.hidden, tokenizer)
        for m in head.modules():  # BERT's init for the head as well
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        return cls(encoder, head, objective)

    def forward(self, input_ids, attention_mask, labels):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.objective.loss(self.head, hidden, labels)


def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def flops_per_step(config: PretrainConfig, num_classes: int, predicted_fraction: float = 1.0) -> float:
    """Training FLOPs of one optimizer step (forward + backward = 3 × forward), head included.

    Per token and layer the forward pass costs 2 × (4H² + 2HI) for the matrix products and
    2 × 2 × T × H for attention scores and their weighted sum; the head costs 2 × H × C on each
    predicted token (MLM predicts 15 % of them over the vocabulary; other objectives all tokens
    over a few classes). Embedding lookups, layer norms and softmaxes are left out, as is usual.
    """
    H, I, T, L = config.hidden, config.intermediate, config.seq_len, config.layers
    per_token = L * (2 * (4 * H * H + 2 * H * I) + 4 * T * H) + 2 * H * num_classes * predicted_fraction
    return 3.0 * per_token * config.tokens_per_step

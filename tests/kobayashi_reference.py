"""The straightforward per-pair reference for the Kobayashi+ 2021 measures (tests and benchmark only).

It builds every vector T_ij, R_ij and g(R_ij) explicitly (an n x n x d tensor per sequence and layer)
from the model's public outputs (hidden states, attention probabilities) and its weights, one sequence
at a time, exactly as the paper's equations read. The library's fast path must agree with it.
"""

from __future__ import annotations

import torch


def _ratio(pairs: torch.Tensor) -> torch.Tensor:
    """Mixing ratio per row i of an (n, n, d) tensor of summands S_ij."""
    n = pairs.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    keep = pairs[eye]  # S_ii, (n, d)
    mix = (pairs * (~eye)[..., None]).sum(1)
    m, k = mix.norm(dim=-1), keep.norm(dim=-1)
    return m / (m + k)


@torch.no_grad()
def reference_sequence(model, layer_inputs, attentions, length: int, first_layer: int = 0):
    """Per layer: (ratios (n, 5) for the paper's measures, the summands g(R) (n, n, d), the bias g(b_O)+beta).

    ``layer_inputs[l]`` (n, d) and ``attentions[l]`` (H, n, n) belong to one sequence; padding is cut at ``length``; the
    lists start at layer ``first_layer``.
    """
    out = []
    for layer, x, probs in zip(model.base_model.encoder.layer[first_layer:], layer_inputs, attentions):
        attn = layer.attention
        heads, dh = attn.self.num_attention_heads, attn.self.attention_head_size
        x, probs = x[:length], probs[:, :length, :length]
        n, d = x.shape
        value = attn.self.value(x).view(n, heads, dh)  # x W_V + b_V
        w_o = attn.output.dense.weight.view(d, heads, dh)
        f = torch.einsum("jhk,dhk->hjd", value, w_o)  # f^h(x_j)
        T = torch.einsum("hij,hjd->ijd", probs, f)  # every T_ij
        R = T + torch.diag_embed(x.T).permute(1, 2, 0)  # + delta_ij x_i
        b_o = attn.output.dense.bias
        z = R.sum(1) + b_o
        ln = attn.output.LayerNorm
        sigma = torch.sqrt(z.var(-1, unbiased=False, keepdim=True) + ln.eps)  # (n, 1)
        gR = ln.weight * (R - R.mean(-1, keepdim=True)) / sigma[:, None]
        bias = ln.weight * (b_o - b_o.mean()) / sigma + ln.bias
        alpha_self = probs.diagonal(dim1=-2, dim2=-1).mean(0)
        attn_w = probs.mean(0).sum(-1) - alpha_self  # sum_{j != i} of the head-averaged weights
        ratios = torch.stack([attn_w, _ratio(T), attn_w / 2, _ratio(R), _ratio(gR)], dim=-1)
        out.append((ratios, gR, bias))
    return out


@torch.no_grad()
def reference_ratios(model, batch: dict) -> list[torch.Tensor]:
    """Per sequence of ``batch``: (layers, n_real, 5) ratios, computed pair by pair."""
    outputs = model(**batch, output_hidden_states=True, output_attentions=True)
    lengths = batch["attention_mask"].sum(1).tolist()
    result = []
    for b, length in enumerate(lengths):
        per_layer = reference_sequence(model, [h[b] for h in outputs.hidden_states[:-1]],
                                       [a[b] for a in outputs.attentions], length)
        result.append(torch.stack([r for r, _, _ in per_layer]))
    return result

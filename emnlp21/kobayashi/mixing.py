"""Mixing ratios of Kobayashi et al. (EMNLP 2021), computed from an unmodified transformers forward pass.

For layer input x_j and head h, f^h(x_j) = (x_j W_V^h + b_V^h) W_O^h. The attention block's output of
token i before LayerNorm is z_i = sum_j R_ij + b_O with R_ij = T_ij + [i=j] x_i, T_ij = sum_h a^h_ij f^h(x_j).
LayerNorm is distributed over the summands: g(u) = gamma * (u - mean(u)) / sqrt(var(z_i) + eps).
The mixing ratio of S is |sum_{j!=i} S_ij| / (|sum_{j!=i} S_ij| + |S_ii|).

Only the diagonal S_ii and the row sum are needed, so nothing n x n x d is ever built:
sum_j T_ij is the block's own context output (z_i - x_i - b_O), T_ii = (sum_h a^h_ii v^h_i) W_O, and
g is linear in its argument (centring, then a per-token scale). Everything is O(n d) per sequence.

Beyond the paper, the same split is carried through the rest of the layer (FFN, second residual,
second LayerNorm): either ignoring the FFN (as GlobEnc does) or linearising its activation per
element through the origin (act(h) = (act(h)/h) * h), which splits the FFN output exactly into parts.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch

from .model import encoder_layers, use_eager_attention

# The paper's five measures (AttnResLn-N is the whole attention block, "ATB").
PAPER_MEASURES = ("Attn-W", "Attn-N", "AttnRes-W", "AttnRes-N", "AttnResLn-N")
# Beyond the paper: the whole layer, FFN ignored (GlobEnc) or linearised (exact split).
LAYER_MEASURES = ("Layer-N (no FFN)", "Layer-N (FFN lin.)")
MEASURES = PAPER_MEASURES + LAYER_MEASURES


@dataclass
class LayerCapture:
    """What one layer's forward pass exposes through hooks (all (B, n, ...) tensors)."""

    x: torch.Tensor = None  # layer input
    v: torch.Tensor = None  # value vectors x W_V + b_V, (B, n, d)
    probs: torch.Tensor = None  # attention probabilities, (B, H, n, n)
    z: torch.Tensor = None  # first LayerNorm's input: attention output + b_O + residual
    y: torch.Tensor = None  # first LayerNorm's output (the attention block's output)
    h: torch.Tensor = None  # FFN pre-activation y W_1 + b_1
    act: torch.Tensor = None  # FFN activation act(h)
    z2: torch.Tensor = None  # second LayerNorm's input
    out: torch.Tensor = None  # the layer's output


@dataclass
class BlockParts:
    """A layer's vectors split into mixing (from other tokens), preserving (own token) and bias parts."""

    alpha_self: torch.Tensor  # mean over heads of a_ii, (B, n)
    attn_mix: torch.Tensor  # sum_{j!=i} T_ij (also the mixing part of R: R_ij = T_ij off the diagonal)
    attn_self: torch.Tensor  # T_ii
    res_self: torch.Tensor  # R_ii = T_ii + x_i
    ln_mix: torch.Tensor  # sum_{j!=i} g(R_ij)
    ln_self: torch.Tensor  # g(R_ii)
    ln_bias: torch.Tensor  # g(b_O) + beta: ln_mix + ln_self + ln_bias = the block's output y
    layer_mix: torch.Tensor  # the whole layer, FFN linearised: mixing part after the second LayerNorm
    layer_self: torch.Tensor
    layer_bias: torch.Tensor  # the rest (biases): layer_mix + layer_self + layer_bias = layer output
    noffn_mix: torch.Tensor  # the whole layer with the FFN ignored (GlobEnc)
    noffn_self: torch.Tensor


def _layernorm_split(ln, reference: torch.Tensor):
    """g(u) = gamma (u - mean u) / sigma(reference): LayerNorm distributed over the summands of ``reference``."""
    sigma = torch.sqrt(reference.var(-1, keepdim=True, unbiased=False) + ln.eps)

    def g(u):
        return ln.weight * (u - u.mean(-1, keepdim=True)) / sigma

    return g


def _slope_at_zero(act_fn) -> float:
    eps = 1e-3
    t = torch.tensor([-eps, eps], dtype=torch.float64)
    a = act_fn(t)
    return float((a[1] - a[0]) / (2 * eps))


def decompose(cap: LayerCapture, layer) -> BlockParts:
    """Split one layer's captured vectors (see the module docstring); O(n d) memory."""
    attn = layer.attention
    heads = attn.self.num_attention_heads
    B, n, d = cap.x.shape
    a_self = cap.probs.diagonal(dim1=-2, dim2=-1)  # (B, H, n)
    dense = attn.output.dense
    v_self = cap.v.view(B, n, heads, -1) * a_self.transpose(1, 2).unsqueeze(-1)
    attn_self = v_self.reshape(B, n, -1) @ dense.weight.T  # T_ii, no b_O
    attn_mix = cap.z - cap.x - dense.bias - attn_self  # the context output's rest: sum_{j!=i} T_ij
    res_self = attn_self + cap.x
    g = _layernorm_split(attn.output.LayerNorm, cap.z)
    ln_mix, ln_self = g(attn_mix), g(res_self)
    ln_bias = g(dense.bias.expand_as(cap.x)) + attn.output.LayerNorm.bias

    # FFN linearised through the origin per element: act(h) = s * h with s = act(h)/h (exact).
    inter, output = layer.intermediate, layer.output
    slope = torch.where(cap.h != 0, cap.act / cap.h, _slope_at_zero(inter.intermediate_act_fn))

    def ffn_part(u):
        return ((u @ inter.dense.weight.T) * slope) @ output.dense.weight.T

    ffn_mix, ffn_self = ffn_part(torch.stack([ln_mix, ln_self]))  # one matmul for both parts
    g2 = _layernorm_split(output.LayerNorm, cap.z2)
    layer_mix, layer_self = g2(ln_mix + ffn_mix), g2(ln_self + ffn_self)
    return BlockParts(
        alpha_self=a_self.mean(1), attn_mix=attn_mix, attn_self=attn_self, res_self=res_self,
        ln_mix=ln_mix, ln_self=ln_self, ln_bias=ln_bias,
        layer_mix=layer_mix, layer_self=layer_self, layer_bias=cap.out - layer_mix - layer_self,
        noffn_mix=g2(ln_mix), noffn_self=g2(ln_self),
    )


def ratio(mix: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """|mix| / (|mix| + |keep|) over the last axis."""
    m, k = mix.norm(dim=-1), keep.norm(dim=-1)
    return m / (m + k).clamp_min(torch.finfo(m.dtype).tiny)


def layer_ratios(parts: BlockParts) -> torch.Tensor:
    """The measures of MEASURES for every token, (B, n, len(MEASURES))."""
    attn_w = 1.0 - parts.alpha_self  # sum_{j!=i} mean_h a_ij, rows of a sum to one
    return torch.stack([
        attn_w,
        ratio(parts.attn_mix, parts.attn_self),
        attn_w / 2,
        ratio(parts.attn_mix, parts.res_self),
        ratio(parts.ln_mix, parts.ln_self),
        ratio(parts.noffn_mix, parts.noffn_self),
        ratio(parts.layer_mix, parts.layer_self),
    ], dim=-1)


@contextmanager
def capture_layers(model, on_layer):
    """Register hooks that fill a LayerCapture per layer and call ``on_layer(index, capture, layer)``
    when the layer has finished (so captures are dropped layer by layer)."""
    use_eager_attention(model)
    handles = []
    for index, layer in enumerate(encoder_layers(model)):
        cap = LayerCapture()

        def setter(name, cap=cap, pick=lambda out: out):
            def hook(module, args, output):
                setattr(cap, name, pick(output))
            return hook

        def pre_setter(name, cap=cap):
            def hook(module, args, kwargs):
                setattr(cap, name, args[0] if args else kwargs["hidden_states"])
            return hook

        def finish(module, args, output, index=index, cap=cap, layer=layer):
            cap.out = output
            if cap.probs is None:
                raise RuntimeError("attention probabilities were not returned; the model must use eager attention")
            on_layer(index, cap, layer)
            for name in LayerCapture.__dataclass_fields__:
                setattr(cap, name, None)

        attn = layer.attention
        handles += [
            attn.self.register_forward_pre_hook(pre_setter("x"), with_kwargs=True),
            attn.self.value.register_forward_hook(setter("v")),
            attn.self.register_forward_hook(setter("probs", pick=lambda out: out[1])),
            attn.output.LayerNorm.register_forward_pre_hook(pre_setter("z"), with_kwargs=True),
            attn.output.LayerNorm.register_forward_hook(setter("y")),
            layer.intermediate.dense.register_forward_hook(setter("h")),
            layer.intermediate.register_forward_hook(setter("act")),
            layer.output.LayerNorm.register_forward_pre_hook(pre_setter("z2"), with_kwargs=True),
            layer.output.LayerNorm.register_forward_hook(finish),
        ]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


@torch.no_grad()
def batch_ratios(model, batch: dict) -> torch.Tensor:
    """Mixing ratios of one tokenised batch: (B, n, layers, measures); padded positions are garbage."""
    out = {}

    def on_layer(index, cap, layer):
        out[index] = layer_ratios(decompose(cap, layer)).float()

    with capture_layers(model, on_layer):
        model(**batch)
    return torch.stack([out[i] for i in range(len(out))], dim=2)


@torch.no_grad()
def norm_maps(model, batch: dict) -> dict[str, torch.Tensor]:
    """n x n maps |S_ij| of the first sequence of ``batch`` for S = T (Attn-N), R (AttnRes-N) and g(R)
    (AttnResLn-N), each (layers, n, n), from a per-token head Gram matrix (never n x n x d)."""
    maps = {"Attn-N": [], "AttnRes-N": [], "AttnResLn-N": []}

    def on_layer(index, cap, layer):
        attn = layer.attention
        heads = attn.self.num_attention_heads
        n = int(batch["attention_mask"][0].sum())
        probs = cap.probs[0, :, :n, :n]  # (H, i, j)
        w_o = attn.output.dense.weight.view(-1, heads, attn.self.attention_head_size)  # (d, H, dh)
        f = torch.einsum("jhk,dhk->jhd", cap.v[0, :n].view(n, heads, -1), w_o)  # f^h(x_j), (n, H, d)
        ln = attn.output.LayerNorm
        f_ln = ln.weight * (f - f.mean(-1, keepdim=True))
        sigma = torch.sqrt(cap.z[0, :n].var(-1, unbiased=False) + ln.eps)  # (n,)

        def pair_norms(vectors):  # |sum_h a^h_ij vectors[j, h]| for all i, j
            gram = torch.einsum("jhd,jgd->jhg", vectors, vectors)
            return torch.einsum("hij,jhg,gij->ij", probs, gram, probs).clamp_min(0).sqrt()

        parts = decompose(cap, layer)
        eye = torch.eye(n, dtype=torch.bool, device=probs.device)
        attn_map = pair_norms(f)
        maps["Attn-N"].append(attn_map)
        maps["AttnRes-N"].append(torch.where(eye, torch.diag(parts.res_self[0, :n].norm(dim=-1)), attn_map))
        ln_map = pair_norms(f_ln) / sigma[:, None]
        maps["AttnResLn-N"].append(torch.where(eye, torch.diag(parts.ln_self[0, :n].norm(dim=-1)), ln_map))

    with capture_layers(model, on_layer):
        model(**{k: v[:1] for k, v in batch.items()})
    return {k: torch.stack(v).cpu() for k, v in maps.items()}

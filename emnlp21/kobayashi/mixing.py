"""Mixing ratios of Kobayashi et al. (EMNLP 2021), computed from an unmodified transformers forward pass.

For layer input x_j and head h, f^h(x_j) = (x_j W_V^h + b_V^h) W_O^h. The attention block's output of
token i before LayerNorm is z_i = sum_j R_ij + b_O with R_ij = T_ij + [i=j] x_i, T_ij = sum_h a^h_ij f^h(x_j).
LayerNorm is distributed over the summands: g(u) = gamma * (u - mean(u)) / sqrt(var(z_i) + eps).
The mixing ratio of S is |sum_{j!=i} S_ij| / (|sum_{j!=i} S_ij| + |S_ii|).

Only the diagonal S_ii and the row sum are needed, so nothing n x n x d is ever built:
sum_j T_ij is the block's own context output (z_i - x_i - b_O), T_ii = (sum_h a^h_ii v^h_i) W_O, and
g is linear in its argument (centring, then a per-token scale). Everything is O(n d) per sequence.

Speed: only the real (non-padding) tokens are split; the rows a layer's split reads are gathered in its
hook, and several layers are split together (one op for all of them per step: on a busy CPU the cost of
an op, not its arithmetic, dominates the elementwise work). The paper's measures then cost about 1.2
forward passes (benchmarks/kobayashi_speed.py); the linearised FFN needs three more FFN-sized products
per token and is computed only when its measure is asked for.

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
# All but the linearised FFN, whose split costs three d x 4d products per token (the forward pass's FFN
# costs two): the paper's analysis and GlobEnc's whole layer cost little more than the forward pass.
WITHOUT_FFN = MEASURES[:-1]


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
    """A layer's vectors split into mixing (from other tokens), preserving (own token) and bias parts.

    The vectors whose norms the ratios need are views of one buffer ``stacked`` (K, ..., d), in the
    order of :data:`STACKED`, so that all norms are one reduction and each LayerNorm split one op."""

    alpha_self: torch.Tensor  # mean over heads of a_ii, (B, n)
    attn_mix: torch.Tensor  # sum_{j!=i} T_ij (also the mixing part of R: R_ij = T_ij off the diagonal)
    attn_self: torch.Tensor  # T_ii
    res_self: torch.Tensor  # R_ii = T_ii + x_i
    ln_mix: torch.Tensor  # sum_{j!=i} g(R_ij)
    ln_self: torch.Tensor  # g(R_ii)
    ln_bias: torch.Tensor  # g(b_O) + beta: ln_mix + ln_self + ln_bias = the block's output y
    layer_mix: torch.Tensor | None  # the whole layer, FFN linearised: mixing part after the second LayerNorm
    layer_self: torch.Tensor | None
    layer_bias: torch.Tensor | None  # the rest (biases): layer_mix + layer_self + layer_bias = layer output
    noffn_mix: torch.Tensor  # the whole layer with the FFN ignored (GlobEnc)
    noffn_self: torch.Tensor
    stacked: torch.Tensor | None = None


# Rows of BlockParts.stacked; each LayerNorm split acts on an adjacent (mixing, preserving) pair.
STACKED = ("attn_self", "attn_mix", "res_self", "ln_mix", "ln_self", "noffn_mix", "noffn_self", "layer_mix", "layer_self")
# (mixing, preserving) rows of STACKED behind each norm-based measure
_NORM_PAIRS = {"Attn-N": (1, 0), "AttnRes-N": (1, 2), "AttnResLn-N": (3, 4), "Layer-N (no FFN)": (5, 6),
               "Layer-N (FFN lin.)": (7, 8)}


def _slope_at_zero(act_fn) -> float:
    eps = 1e-3
    t = torch.tensor([-eps, eps], dtype=torch.float64)
    a = act_fn(t)
    return float((a[1] - a[0]) / (2 * eps))


def _slopes(h: torch.Tensor, act: torch.Tensor, act_fn) -> torch.Tensor:
    """s = act(h) / h per element, the slope at zero where h == 0 (0/0 there when act(0) = 0)."""
    if float(act_fn(torch.zeros(1, dtype=h.dtype, device=h.device))) == 0.0:
        return torch.div(act, h).nan_to_num_(nan=_slope_at_zero(act_fn))  # 0/0 only where h == 0
    return torch.where(h != 0, act / h, _slope_at_zero(act_fn))


def _scale(z: torch.Tensor, eps) -> torch.Tensor:
    """LayerNorm's sqrt(Var(z) + eps) over the last axis, keepdim; the norm of the centred vector is
    several times faster than ``Tensor.var`` on CPU (and equal to rounding)."""
    centred = z - z.mean(-1, keepdim=True)
    return torch.linalg.vector_norm(centred, dim=-1, keepdim=True).square_().div_(z.shape[-1]).add_(eps).sqrt_()


def _per_layer(layers, get) -> torch.Tensor:
    """A per-layer parameter vector stacked over ``layers``, (L, 1, k): broadcast over the tokens."""
    return torch.stack([get(layer) for layer in layers]).unsqueeze(1)


# What the split reads of a layer's capture: without, and with, the linearised FFN.
_READ = ("a_self", "x", "v", "z", "z2")
_READ_FFN = _READ + ("y", "h", "act", "out")


def _gather(cap: LayerCapture, name: str, index: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """The rows ``index`` of a captured (B, n, ...) tensor, flattened to (N, ...); a^h_ii from probs."""
    if name == "a_self":
        t = cap.probs.diagonal(dim1=-2, dim2=-1).transpose(1, 2).reshape(-1, cap.probs.shape[1])
    else:
        t = getattr(cap, name).flatten(0, 1)
    return torch.index_select(t, 0, index, out=out) if out is not None else t.index_select(0, index)


def _decompose_group(rows: dict[str, torch.Tensor], layers: list, ffn: bool) -> BlockParts:
    """The split of several layers at once, from their captures' token rows ``rows[name]`` (L, N, ...):
    parts (L, N, d). One op covers every layer of the group (the elementwise work is then a few large
    ops rather than many small ones); only the matrix products run layer by layer."""
    heads = layers[0].attention.self.num_attention_heads
    a_self, x, v, z = rows["a_self"], rows["x"], rows["v"], rows["z"]
    buf = x.new_empty((len(STACKED) if ffn else len(STACKED) - 2, *x.shape))
    attn_self, attn_mix, res_self, ln_mix, ln_self, noffn_mix, noffn_self = buf[:7]

    va = (v.unflatten(-1, (heads, -1)) * a_self.unsqueeze(-1)).flatten(-2)
    for k, layer in enumerate(layers):  # T_ii = (sum_h a^h_ii v^h_i) W_O, no b_O
        torch.mm(va[k], layer.attention.output.dense.weight.T, out=attn_self[k])
    b_o = _per_layer(layers, lambda l: l.attention.output.dense.bias)
    torch.sub(z, x, out=attn_mix).sub_(b_o).sub_(attn_self)  # the context output's rest: sum_{j!=i} T_ij
    torch.add(attn_self, x, out=res_self)
    ln_w = _per_layer(layers, lambda l: l.attention.output.LayerNorm.weight)
    ln_b = _per_layer(layers, lambda l: l.attention.output.LayerNorm.bias)
    eps = x.new_tensor([l.attention.output.LayerNorm.eps for l in layers]).view(-1, 1, 1)
    sigma = _scale(z, eps)  # LayerNorm's scale of z_i
    gain = ln_w / sigma  # gamma / sigma_i: g(u) = (u - mean u) * gain

    def g(pair, gain, out):  # LayerNorm distributed over both summands of a (mixing, preserving) pair
        torch.sub(pair, pair.mean(-1, keepdim=True), out=out).mul_(gain)

    g(buf[1:3], gain, buf[3:5])  # ln_mix, ln_self = g(attn_mix), g(res_self)
    b_oc = b_o - b_o.mean(-1, keepdim=True)
    ln_bias = torch.addcmul(ln_b, b_oc, gain)  # g(b_O) + beta

    z2 = rows["z2"]
    ln2_w = _per_layer(layers, lambda l: l.output.LayerNorm.weight)
    eps2 = x.new_tensor([l.output.LayerNorm.eps for l in layers]).view(-1, 1, 1)
    gain2 = ln2_w / _scale(z2, eps2)
    g(buf[3:5], gain2, buf[5:7])  # the whole layer with the FFN ignored
    parts = BlockParts(alpha_self=a_self.mean(-1), attn_mix=attn_mix, attn_self=attn_self, res_self=res_self,
                       ln_mix=ln_mix, ln_self=ln_self, ln_bias=ln_bias, layer_mix=None, layer_self=None,
                       layer_bias=None, noffn_mix=noffn_mix, noffn_self=noffn_self, stacked=buf)
    if not ffn:
        return parts

    # FFN linearised through the origin per element: act(h) = s * h with s = act(h)/h (exact).
    h, act, y, out = rows["h"], rows["act"], rows["y"], rows["out"]
    slope = _slopes(h, act, layers[0].intermediate.intermediate_act_fn)
    inner = torch.empty_like(h)  # an FFN-sized input, reused
    ffn_self, ffn_bias = torch.empty_like(x), torch.empty_like(x)
    for k, layer in enumerate(layers):
        torch.mm(ln_self[k], layer.intermediate.dense.weight.T, out=inner[k])
    inner.mul_(slope)
    for k, layer in enumerate(layers):
        torch.mm(inner[k], layer.output.dense.weight.T, out=ffn_self[k])
    # the bias part's FFN input ln_bias W_1 + b_1 = q / sigma_i + p, with per-layer vectors p and q
    q = torch.stack([(ln_w[k] * b_oc[k]) @ l.intermediate.dense.weight.T for k, l in enumerate(layers)])
    p = torch.stack([ln_b[k] @ l.intermediate.dense.weight.T + l.intermediate.dense.bias for k, l in enumerate(layers)])
    torch.addcdiv(p, q, sigma, out=inner).mul_(slope)
    for k, layer in enumerate(layers):
        torch.mm(inner[k], layer.output.dense.weight.T, out=ffn_bias[k])
    # act(h) W_2 = z2 - y - b_2 (the second residual's input minus the block output; dropout is off)
    b2 = _per_layer(layers, lambda l: l.output.dense.bias)
    ffn_mix = (z2 - y).sub_(b2).sub_(ffn_self).sub_(ffn_bias)
    layer_mix, layer_self = buf[7:9]
    torch.add(ln_mix, ffn_mix, out=layer_mix)
    torch.add(ln_self, ffn_self, out=layer_self)
    g(buf[7:9], gain2, buf[7:9])  # in place: the mean is taken before the buffer is overwritten
    parts.layer_mix, parts.layer_self, parts.layer_bias = layer_mix, layer_self, out - layer_mix - layer_self
    return parts


def decompose(cap: LayerCapture, layer, keep: torch.Tensor | None = None, *, ffn: bool = True) -> BlockParts:
    """Split one layer's captured vectors (see the module docstring); O(n d) memory.

    ``keep`` (B, n) bool selects the tokens to split, e.g. the non-padding ones: the parts are then
    (N, d) rows in row-major order of ``keep``; with None every position is split, (B, n, d).
    ``ffn=False`` skips the linearised FFN (``layer_*`` parts are then None).

    Cost per token beyond the forward pass: one d x d product (T_ii), and for the linearised FFN
    three d x 4d ones, which no exact split can do without (of the three parts' products through
    W_1 and W_2, only one of each follows from the forward pass's own, and the bias part's input
    to W_1 is a per-layer vector scaled by 1/sigma_i). The self part goes through W_1 and W_2, the
    bias part through W_2, and the mixing part is the FFN's own output minus the two.
    """
    B, n = cap.x.shape[:2]
    index = (keep.flatten().nonzero().squeeze(1) if keep is not None
             else torch.arange(B * n, device=cap.x.device))
    rows = {name: _gather(cap, name, index).unsqueeze(0) for name in (_READ_FFN if ffn else _READ)}
    parts = _decompose_group(rows, [layer], ffn)
    shape = (B, n) if keep is None else (len(index),)

    def one(t):
        return None if t is None else t[0].reshape(*shape, *t.shape[2:])

    out = BlockParts(**{name: one(getattr(parts, name)) for name in BlockParts.__dataclass_fields__ if name != "stacked"})
    out.stacked = parts.stacked[:, 0].reshape(len(parts.stacked), *shape, -1)
    return out


def ratio(mix: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """|mix| / (|mix| + |keep|) over the last axis."""
    m, k = mix.norm(dim=-1), keep.norm(dim=-1)
    return m / (m + k).clamp_min(torch.finfo(m.dtype).tiny)


def layer_ratios(parts: BlockParts, measures=MEASURES) -> torch.Tensor:
    """The ``measures`` (names from MEASURES) for every token, (..., len(measures))."""
    attn_w = 1.0 - parts.alpha_self  # sum_{j!=i} mean_h a_ij, rows of a sum to one
    columns = {"Attn-W": attn_w, "AttnRes-W": attn_w / 2}
    normed = [m for m in measures if m in _NORM_PAIRS]
    if normed and parts.layer_mix is None and "Layer-N (FFN lin.)" in normed:
        raise ValueError("the linearised FFN was not computed: decompose(..., ffn=True)")
    if normed:
        mix_rows, keep_rows = (list(r) for r in zip(*(_NORM_PAIRS[m] for m in normed)))
        if parts.stacked is not None:  # all norms in one reduction
            norms = parts.stacked[:max(mix_rows + keep_rows) + 1].norm(dim=-1)
        else:
            norms = torch.stack([getattr(parts, name).norm(dim=-1) for name in STACKED[:max(mix_rows + keep_rows) + 1]])
        mix, keep = norms[mix_rows], norms[keep_rows]
        columns.update(zip(normed, mix / (mix + keep).clamp_min(torch.finfo(mix.dtype).tiny)))
    return torch.stack([columns[m] for m in measures], dim=-1)


def check_measures(measures) -> tuple[str, ...]:
    measures = tuple(measures)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise ValueError(f"unknown measures {unknown}: choose among {MEASURES}")
    return measures


@contextmanager
def capture_layers(model, on_layer):
    """Register hooks that fill a LayerCapture per layer and call ``on_layer(index, capture, layer)``
    when the layer has finished (so captures are dropped layer by layer)."""
    layers = encoder_layers(model)  # checks the architecture first
    use_eager_attention(model)
    handles = []
    for index, layer in enumerate(layers):
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


# Captured tensors a group of layers may hold at once before they are split together (bytes).
GROUP_BYTES = 512 * 2**20


@torch.no_grad()
def packed_ratios(model, batch: dict, measures=MEASURES, *, group_bytes: int = GROUP_BYTES) -> torch.Tensor:
    """Mixing ratios of the real (non-padding) tokens of one tokenised batch: (N, layers, measures),
    rows in row-major order of ``batch["attention_mask"]``. Padding is never decomposed; the
    linearised FFN (three extra d x 4d products per token) only when its measure is asked for.
    Layers are split in groups (as many as fit in ``group_bytes`` of captured tensors), each group
    with one op per step for all its layers."""
    measures = check_measures(measures)
    ids = batch["input_ids"]
    mask = batch.get("attention_mask")
    index = (mask.bool().flatten().nonzero().squeeze(1) if mask is not None
             else torch.arange(ids.numel(), device=ids.device))
    ffn = "Layer-N (FFN lin.)" in measures
    read = _READ_FFN if ffn else _READ
    layers = encoder_layers(model)
    d, inter = layers[0].attention.output.dense.weight.shape[0], layers[0].intermediate.dense.weight.shape[0]
    itemsize = torch.finfo(next(model.parameters()).dtype).bits // 8
    per_layer = len(index) * itemsize * (4 * d + (2 * d + 2 * inter if ffn else 0))  # rows held per layer
    size = max(1, group_bytes // max(per_layer, 1))
    group, results = {"layers": [], "rows": None}, []

    def compatible(a, b):
        return (a.attention.self.num_attention_heads == b.attention.self.num_attention_heads
                and type(a.intermediate.intermediate_act_fn) is type(b.intermediate.intermediate_act_fn))

    def flush():
        k = len(group["layers"])
        rows = {name: t[:k] for name, t in group["rows"].items()}
        results.append(layer_ratios(_decompose_group(rows, group["layers"], ffn), measures).float())
        group["layers"], group["rows"] = [], None

    def on_layer(k, cap, layer):
        if group["layers"] and not compatible(group["layers"][0], layer):
            flush()
        if group["rows"] is None:  # this group's row buffers, filled layer by layer (no stacking copy)
            n_layers = min(size, len(layers) - k)
            group["rows"] = {name: cap.x.new_empty((n_layers, len(index), *(
                (cap.probs.shape[1],) if name == "a_self" else getattr(cap, name).shape[2:]))) for name in read}
        slot = len(group["layers"])
        for name, buf in group["rows"].items():
            _gather(cap, name, index, out=buf[slot])
        group["layers"].append(layer)
        if len(group["layers"]) == len(group["rows"]["x"]) or k == len(layers) - 1:
            flush()

    with capture_layers(model, on_layer):
        model(**batch)
    return torch.cat(results).transpose(0, 1)  # (N, layers, measures)


@torch.no_grad()
def batch_ratios(model, batch: dict, measures=MEASURES) -> torch.Tensor:
    """Mixing ratios of one tokenised batch: (B, n, layers, measures); padded positions are zero."""
    ids = batch["input_ids"]
    packed = packed_ratios(model, batch, measures)
    mask = batch.get("attention_mask")
    keep = torch.ones(ids.shape, dtype=torch.bool, device=ids.device) if mask is None else mask.bool()
    full = packed.new_zeros((*ids.shape, *packed.shape[1:]))
    full[keep] = packed
    return full


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


@torch.no_grad()
def block_sum_error(model, batch: dict) -> float:
    """Largest relative error, over layers and real tokens, of the attention block's parts summed
    (mixing + preserving + bias) against the block's own output: zero up to rounding by construction."""
    mask = batch.get("attention_mask")
    keep = None if mask is None else mask.bool()
    errors = []

    def on_layer(index, cap, layer):
        parts = decompose(cap, layer, keep, ffn=False)
        y = cap.y if keep is None else cap.y[keep]
        errors.append(float((parts.ln_mix + parts.ln_self + parts.ln_bias - y).abs().max() / y.abs().max()))

    with capture_layers(model, on_layer):
        model(**batch)
    return max(errors)

"""The book's one training step and its optimiser pieces, used by pre-training, fine-tuning and CTAL."""

from __future__ import annotations

from typing import Iterable

import torch


def param_groups(model: torch.nn.Module, lr: float, weight_decay: float, *, decay_norms: bool,
                 rates: dict[str, float] | None = None) -> list[dict]:
    """AdamW groups of the trainable weights, each with its ``lr`` and ``weight_decay``.

    ``decay_norms=False`` leaves biases and LayerNorm weights undecayed (BERT's recipe, the toolkit's
    pre-training). ``rates`` gives the parameters under a module (a name prefix such as ``"language"``,
    matched at any depth) their own learning rate: CTAL's pre-trained language stream learns gently.
    """
    def own_rate(name: str) -> float:
        for prefix, rate in (rates or {}).items():
            if f".{prefix}." in f".{name}":
                return rate
        return lr

    groups: dict[tuple[float, float], list] = {}
    for name, p in model.named_parameters():
        if p.requires_grad:
            decay = weight_decay if decay_norms or (p.ndim >= 2 and "LayerNorm" not in name) else 0.0
            groups.setdefault((own_rate(name), decay), []).append(p)
    return [{"params": ps, "lr": rate, "weight_decay": decay} for (rate, decay), ps in groups.items()]


def linear_warmup_decay(steps: int, warmup: float):
    """The pre-training schedule as a LambdaLR factor: linear warm-up over ``warmup`` of the steps, then
    linear decay to zero. Unlike transformers' ``get_linear_schedule_with_warmup`` its first step
    already moves (lr / warm-up steps rather than 0); every cached model was trained with it."""
    warm = max(1, int(round(warmup * steps)))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (steps - step) / max(1, steps - warm))

    return factor


def training_step(loss: torch.Tensor, optimizer: torch.optim.Optimizer, scheduler, params: Iterable[torch.Tensor],
                  *, clip_norm: float = 1.0) -> None:
    """Backward, clip the gradients of ``params`` to ``clip_norm``, step the optimiser and the schedule,
    and clear the gradients: the one step every loop of the book takes."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)

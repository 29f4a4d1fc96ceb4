"""Multi-process pre-training under ``torchrun`` (DistributedDataParallel): gloo on CPU, NCCL on CUDA.

``pretrain`` calls these helpers and stays one loop. Every rank draws the same *global* batch
(``config.batch_size`` rows, masked with the same generator) and trains on its contiguous share of
the rows; each rank's loss is weighted by its share of the labelled tokens, so the averaged gradient is
the gradient of the global batch's mean loss — the run equals a single process to float precision and
the configuration (the cache key) does not depend on the number of processes. Rank 0 alone writes
the cache entry; the other ranks wait at a barrier and load it. Without ``torchrun`` (no
``WORLD_SIZE`` above 1) every helper is a no-op.
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist

from .objectives import IGNORE, TokenBatch


def world_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else int(os.environ.get("RANK", "0"))


def is_main() -> bool:
    return rank() == 0


def active() -> bool:
    return world_size() > 1


def init(device: torch.device) -> None:
    """Join the process group ``torchrun`` describes (once); each CUDA rank takes its own GPU."""
    if not active() or dist.is_initialized():
        return
    if device.type == "cuda":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def check_batch(batch_size: int) -> None:
    if batch_size % world_size():
        raise ValueError(f"batch_size={batch_size} must be divisible by the {world_size()} processes "
                         f"(each takes an equal share of the global batch).")


def wrap(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """``model`` in DistributedDataParallel (gradients averaged over the ranks), or itself alone."""
    if not active():
        return model
    from torch.nn.parallel import DistributedDataParallel

    ids = [torch.cuda.current_device()] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)


def shard(batch):
    """This rank's contiguous rows of a global :class:`~.objectives.TokenBatch`, and the weight that
    turns its mean loss into its part of the global mean (labelled tokens here ÷ in the whole batch,
    × the ranks, since DDP averages). The loss must be a mean over labelled tokens (labels != -100)."""
    if not active():
        return batch, 1.0

    n, r = world_size(), rank()
    rows = slice(r * len(batch.input_ids) // n, (r + 1) * len(batch.input_ids) // n)
    part = TokenBatch(batch.input_ids[rows], batch.labels[rows], batch.attention_mask[rows])
    labelled = int((batch.labels != IGNORE).sum())
    return part, n * int((part.labels != IGNORE).sum()) / max(1, labelled)


def reduce_sum(value: torch.Tensor) -> torch.Tensor:
    """The sum of ``value`` over the ranks (a logged loss: each rank holds its weighted part)."""
    if not active():
        return value
    value = value.clone()
    dist.all_reduce(value)
    return value


def barrier() -> None:
    if active():
        dist.barrier()

"""Devices and seeds."""

from __future__ import annotations

import os
import platform
import random

import numpy as np



def resolve_device(device: str = "auto"):
    """``auto`` takes CUDA when there is one; ``cuda`` without one is an error, not a silent CPU run."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device='cuda' but no CUDA GPU is visible; use device='auto' or 'cpu'.")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}")
    return torch.device(device)


def bf16_autocast(device):
    """bf16 autocast on a CUDA GPU, fp32 elsewhere. (On a CPU with AVX-512 BF16, bf16 made the
    quick profile's 2 × 128 training step 1.4× faster but a 1 × 32 step 6.6× slower, and changes the
    numbers: the CPU stays in fp32.)"""
    import torch

    device = torch.device(device)
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch; deterministic kernels where torch has them."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    # Denormal floats make CPU training steps many times slower; they carry no signal here.
    torch.set_flush_denormal(True)


def use_threads(threads: int) -> None:
    """Torch's intra-op threads and those of NumPy's BLAS and OpenMP (0: leave their defaults). The
    profile fixes them because the numbers depend on them; a notebook run alone thus computes what the
    book's executor, which sets them in the kernel's environment (``execute.thread_environment``), does."""
    import torch
    from threadpoolctl import threadpool_limits

    if threads:
        torch.set_num_threads(threads)
        threadpool_limits(threads)


def machine_description() -> str:
    """The CPU (its model name and torch's thread count) and the GPU, if torch sees one: what a
    measured time or an executed page was run on."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{cpu}, {torch.get_num_threads()} threads, {gpu}"

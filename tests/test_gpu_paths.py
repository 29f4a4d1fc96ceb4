"""The GPU-only code paths of the pre-training loop, checked on a CPU.

``pretrain`` compiles and autocasts only on CUDA. What can run on a CPU runs here on a tiny model and
must give the plain path's loss: ``torch.compile`` (the CPU inductor), bf16 autocast, SDPA against
eager attention. What cannot (the CUDA branch itself) is shown to be *reached* with CUDA mocked;
it is untested on a real GPU (README).
"""

from __future__ import annotations

import copy
import random
import shutil

import pytest
import torch

from emnlp21 import pretraining as pt
from emnlp21.core import runtime
from emnlp21.pretraining import train as train_module
from emnlp21.pretraining.data import special_mask, tokenize_corpus
from emnlp21.pretraining.modeling import PretrainingModel, build_encoder

TINY = dict(layers=1, hidden=32, heads=2, intermediate=64, max_positions=32, seq_len=32, batch_size=16,
            steps=4, lr=3e-3, dropout=0.0)
WORDS = "one two three four five six seven eight nine ten eleven twelve the a film good bad".split()


def _text() -> list[str]:
    rng = random.Random(0)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))) for _ in range(600)]


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # a shared 2-core machine
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("EMNLP21_CACHE", str(tmp_path_factory.mktemp("cache")))
    text = _text()
    tok = pt.train_tokenizer(text, vocab_size=120)
    cfg = pt.PretrainConfig.for_corpus("gpu-paths", text, tok, **TINY)
    rows = pt.pack_sequences(tokenize_corpus(text, tok), cfg.seq_len, cls_id=tok.cls_token_id,
                             sep_id=tok.sep_token_id, pad_id=tok.pad_token_id)
    specials = special_mask(rows, tok)
    gen = torch.Generator().manual_seed(0)
    # the last batch holds the padded last row: the attention mask is not all ones
    picks = [torch.arange(i * 16, (i + 1) * 16) for i in range(cfg.steps - 1)] + [torch.arange(len(rows) - 16, len(rows))]
    batches = [pt.MLM().make_batch(rows[i], specials[i], tok, gen) for i in picks]
    assert (batches[-1].attention_mask == 0).any()
    torch.manual_seed(0)
    model = PretrainingModel.from_config(cfg, tok)
    yield cfg, tok, model, batches
    mp.undo()


def _losses(model, batches, *, wrap=lambda m: m, autocast: bool = False) -> list[float]:
    """Train a copy of ``model`` on ``batches`` (AdamW, one step each); the loss before every step."""
    model = copy.deepcopy(model).train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    fn = wrap(model)
    out = []
    for b in batches:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            loss = fn(b.input_ids, b.attention_mask, b.labels)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        out.append(float(loss.detach()))
    return out


def _diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b))


@pytest.mark.slow
def test_compiled_model_gives_the_eager_loss(setup):
    if not (shutil.which("gcc") or shutil.which("cc")):
        pytest.skip("torch.compile on a CPU (inductor) needs a C compiler; none (gcc/cc) on PATH")
    _, _, model, batches = setup
    eager = _losses(model, batches)
    compiled = _losses(model, batches, wrap=torch.compile)
    print(f"compiled vs eager: max |loss difference| = {_diff(eager, compiled):.2e} over {len(eager)} steps")
    assert eager[0] > 3.0  # a fresh model over a 120-word vocabulary: about ln 120 = 4.8
    assert _diff(eager, compiled) < 1e-4


def test_bf16_autocast_gives_the_fp32_loss(setup):
    _, _, model, batches = setup
    fp32 = _losses(model, batches)
    bf16 = _losses(model, batches, autocast=True)
    print(f"bf16 autocast vs fp32: max |loss difference| = {_diff(fp32, bf16):.2e} over {len(fp32)} steps")
    assert fp32 != bf16  # autocast did run in bf16 ...
    assert _diff(fp32, bf16) < 0.01  # ... and moved the loss by far less than a training step does


def test_sdpa_and_eager_attention_agree(setup):
    cfg, tok, model, batches = setup
    assert model.encoder.config._attn_implementation == "sdpa"  # what the library builds
    eager = PretrainingModel(build_encoder(cfg, attn_implementation="eager"), copy.deepcopy(model.head), model.objective)
    eager.load_state_dict(model.state_dict())
    assert eager.encoder.config._attn_implementation == "eager"
    diff = _diff(_losses(model, batches), _losses(eager, batches))
    print(f"SDPA vs eager attention: max |loss difference| = {diff:.2e}")
    assert diff < 1e-4


def test_cuda_autocast_is_bf16_and_enabled(monkeypatch):
    # torch turns a CUDA autocast off when no GPU exists; pretend one does to see what is asked for
    monkeypatch.setattr(torch.cuda.amp.common, "amp_definitely_not_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    on_gpu = runtime.bf16_autocast(torch.device("cuda"))
    assert on_gpu.device == "cuda" and on_gpu.fast_dtype == torch.bfloat16 and on_gpu._enabled
    assert not runtime.bf16_autocast(torch.device("cpu"))._enabled  # the CPU stays in fp32


def test_auto_device_takes_cuda_when_torch_sees_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.resolve_device("auto") == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.resolve_device("auto") == torch.device("cpu")
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        runtime.resolve_device("cuda")


class _Reached(Exception):
    pass


@pytest.mark.parametrize("device, compile, expected", [("cuda", True, True), ("cuda", False, False),
                                                       ("cpu", True, False)])
def test_pretrain_requests_compile_only_on_cuda(setup, monkeypatch, device, compile, expected):
    """``pretrain(compile=True)`` compiles on CUDA only; the CUDA branch is reached with the device mocked."""
    cfg, tok, _, _ = setup
    calls, autocast_devices = [], []
    monkeypatch.setattr(train_module, "resolve_device", lambda _: torch.device(device))
    monkeypatch.setattr(PretrainingModel, "to", lambda self, *a, **k: self)  # no GPU to move to
    monkeypatch.setattr(pt.TokenBatch, "to", lambda self, *a, **k: self)
    monkeypatch.setattr(train_module, "_optimizer", lambda model, config, dev: torch.optim.SGD(model.parameters(), 0.1))

    def fake_compile(model, *a, **k):
        calls.append(model)
        raise _Reached

    def fake_autocast(dev):  # the first training step: compile was decided by now
        autocast_devices.append(dev)
        raise _Reached

    monkeypatch.setattr(train_module.torch, "compile", fake_compile)
    monkeypatch.setattr(train_module, "bf16_autocast", fake_autocast)
    with pytest.raises(_Reached):
        train_module.pretrain(cfg, _text(), tok, progress=False, compile=compile, force=True)
    assert bool(calls) == expected
    assert autocast_devices == ([] if expected else [torch.device(device)])  # the step asks for the device's autocast

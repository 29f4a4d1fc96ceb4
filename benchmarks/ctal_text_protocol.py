"""CTAL's text-only model under other fine-tuning protocols: does a longer or faster fine-tuning let the
language stream read the task text (emotion WA, sentiment Acc2), from each text start?

    python benchmarks/ctal_text_protocol.py book-mlm,minilm "epochs=5|epochs=20;lr=3e-3;text_lr=1e-3"

Each protocol is ``;``-separated overrides of the chapter's fine-tuning (epochs, lr, text_lr), protocols
``|``-separated; one JSON line per (text start, protocol). T=threads (default 1). Nothing is cached.
"""
import os
import sys
import time
import json
from dataclasses import replace
import torch
torch.set_num_threads(int(os.environ.get("T", "1")))
from emnlp21.book.params import parameters
from emnlp21.book.shared_models import real_text_model
from emnlp21.corpora.tasks import polarity_sentences
from emnlp21.ctal import data, probe, tasks, text, train
from emnlp21.ctal.model import CTALConfig
P = parameters("ctal", {"profile": "quick"})
polarity = polarity_sentences()
dcfg = data.DataConfig(seed=P.seed, speakers=P.speakers, heldout_speakers=P.heldout_speakers,
                       pretrain_utterances=P.pretrain_utterances, emotion_utterances=P.emotion_utterances,
                       emotion_folds=P.emotion_folds, sentiment_utterances=P.sentiment_utterances, jitter=P.jitter,
                       min_text_confidence=P.min_text_confidence)
t0 = time.perf_counter()
raw = data.build_sets(polarity, dcfg)
print("sets", round(time.perf_counter() - t0), flush=True)
sets, normaliser = data.normalise_sets(raw, P.normalise)
probes = probe.probe_table({"dataset": sets})
print(probes, flush=True)
audio = train.AudioConfig(frame_stack=P.frame_stack, max_steps=P.max_steps, mask_span=tuple(P.mask_span))
names = sys.argv[1].split(",")
protos = [dict(kv.split("=") for kv in p.split(";")) if p else {} for p in sys.argv[2].split("|")]
for name in names:
    book_mlm = real_text_model("quick", device="cpu").model if name == "book-mlm" else None
    tm = text.load_text_model(name, book_mlm=book_mlm, vocab_size=P.vocab_size, texts=list(polarity.text))
    base = CTALConfig(audio_dim=160 * P.frame_stack, hidden=P.hidden, layers=P.layers, heads=P.heads,
                      intermediate=2 * P.hidden, max_audio_len=P.max_steps, **text.stream_config(tm))
    tcfg = replace(base, modality="text")
    for pr in protos:
        ft = tasks.CTALFinetuneConfig(epochs=int(pr.get("epochs", P.finetune_epochs)), batch_size=P.batch_size,
                                      lr=float(pr.get("lr", P.finetune_lr)), seed=0,
                                      text_lr=float(pr.get("text_lr", P.finetune_text_lr)))
        t0 = time.perf_counter()
        model = train.build(tcfg, tm, 0)
        emo = tasks.run_emotion(model, sets["emotion"], tm.tokenizer, ft, audio, folds=P.cv_folds)
        sen = tasks.run_sentiment(train.build(tcfg, tm, 0), sets["sentiment"], tm.tokenizer, ft, audio)
        print(json.dumps({"text": name, **pr, "WA": round(emo["WA"], 3), "Acc2": round(sen["Acc2"], 3),
                          "Corr": round(sen["Corr"], 3), "collapsed": sen["collapsed"],
                          "s": round(time.perf_counter() - t0)}), flush=True)

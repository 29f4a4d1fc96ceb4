"""emnlp21: the library behind the executable book of the EMNLP 2021 participation report.

Notebooks stay thin; the real code lives here, one module per concern:

- ``emnlp21.book``: project paths, profiles and parameter validation, the claims scoreboard,
  bilingual display helpers, the execute-and-build driver.
- ``emnlp21.conference``: conference statistics and the session schedule.
- one module (or sub-package) per paper.
"""

__version__ = "0.1.0"

"""Where the chapter's quotations of the paper come from."""

PAPER_SOURCE = ("Yamaguchi+ 2021 (EMNLP), abstract and §5; talk slide 20 (NL研 2021-12-03)",
                "Yamaguchi+ 2021（EMNLP），概要と §5，講演スライド 20（NL研 2021-12-03）")

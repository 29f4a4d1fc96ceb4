"""The book's driver: ``python -m emnlp21.book {execute,build,all} [--profile NAME] [--force]``."""

from __future__ import annotations

import argparse
import sys
import time

from .execute import execute_book


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emnlp21.book", description=__doc__)
    parser.add_argument("step", choices=["execute", "build", "all"],
                        help="execute the notebooks, build the site in both languages, or both")
    parser.add_argument("--profile", default="quick", help="parameter profile in profiles/ (default: quick)")
    parser.add_argument("--force", action="store_true", help="execute even the notebooks that are up to date")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.step in ("execute", "all"):
        execute_book(args.profile, force=args.force)
    if args.step in ("build", "all"):
        from .site import build_site

        build_site()
    print(f"[book] {args.step} finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

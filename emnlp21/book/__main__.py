"""The book's driver:
``python -m emnlp21.book {execute,build,all} [--profile NAME] [--force] [--only SECTION] [--jobs N] [--dry-run]``."""

from __future__ import annotations

import argparse
import sys
import time

from .execute import dry_run_environment, execute, execute_book, section_of, toc_chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emnlp21.book", description=__doc__)
    parser.add_argument("step", choices=["execute", "build", "all"],
                        help="execute the notebooks, build the site in both languages, or both")
    parser.add_argument("--profile", default="quick", help="parameter profile in profiles/ (default: quick)")
    parser.add_argument("--force", action="store_true", help="execute even the notebooks that are up to date")
    parser.add_argument("--only", metavar="SECTION", action="append", default=[],
                        help="execute only this chapter (e.g. sinha); repeatable")
    parser.add_argument("--dry-run", action="store_true",
                        help="execute with steps and sizes cut to the least that runs every cell (emnlp21/book/params.py), "
                             "into _build/dryrun/ (no site is built)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="chapters executed at once (default: the profile's execution.jobs)")
    parser.add_argument("--no-cell-progress", action="store_true",
                        help="no per-cell progress bar (the side-by-side executor reports progress itself)")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {args.jobs}")
    started = time.perf_counter()
    if args.dry_run:
        print(f"[book] dry run of profile {args.profile!r} into {dry_run_environment()}", flush=True)
    if args.only:
        names = {section_of(n): n for n in toc_chapters()}
        unknown = [s for s in args.only if s not in names]
        if unknown:
            parser.error(f"unknown chapter(s) {unknown}; choose from {sorted(names)}")
        for section in args.only:
            execute(names[section], args.profile, force=args.force, progress_bar=not args.no_cell_progress)
    elif args.step in ("execute", "all"):
        execute_book(args.profile, force=args.force, jobs=args.jobs)
    if args.step in ("build", "all") and not args.dry_run:  # the site shows the book's results only
        from .site import build_site

        build_site()
    print(f"[book] {args.step} finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

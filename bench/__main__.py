"""The benchmark: prints every speed and memory figure of the portal in one run.

    make bench              # every figure; PostgreSQL at DATABASE_URL (default: local
                            # sote_portal_bench, and sote_portal_bench_r20/_r60 for the pages)
    scripts/bench pages     # only the named modules' figures

Each module below has `run()`, which returns figures (one value each) or comparisons (a page
at two national sizes); this runner creates and migrates the database, makes sure the
national-scale synthetic data and the demo projects are there, and prints both as tables."""

import importlib
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sote_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sote_portal_bench")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.data import prepare  # noqa: E402
from bench.figures import Comparison, Figure  # noqa: E402

MODULES = ["reports", "pages", "api", "load"]


def _print_figures(figures: list[Figure]) -> None:
    width = max((len(f.name) for f in figures), default=10)
    print(f"{'figure':<{width}}  {'value':>12}  unit      note")
    for f in figures:
        print(f"{f.name:<{width}}  {f.value:>12.3f}  {f.unit:<8}  {f.note}")


def _print_comparisons(comparisons: list[Comparison]) -> None:
    sizes = sorted(comparisons[0].ms)
    width = max(len(c.name) for c in comparisons)
    print(f"{'page':<{width}}" + "".join(f"  {f'ms @{s}':>8}" for s in sizes)
          + f"  {'ratio':>5}" + "".join(f"  {f'sql @{s}':>7}" for s in sizes) + "  queries")
    for c in comparisons:
        print(f"{c.name:<{width}}" + "".join(f"  {c.ms[s]:>8.1f}" for s in sizes)
              + f"  {c.ms[sizes[-1]] / c.ms[sizes[0]]:>5.2f}"
              + "".join(f"  {c.sql_ms[s]:>7.1f}" for s in sizes)
              + "  " + " / ".join(str(c.queries[s]) for s in sizes))


def main() -> None:
    only = sys.argv[1:]
    unknown = set(only) - set(MODULES)
    if unknown:
        sys.exit(f"bench: no module {', '.join(sorted(unknown))}; choose from {', '.join(MODULES)}")
    chosen = [name for name in MODULES if not only or name in only]
    if chosen != ["pages"]:  # the pages bring databases of their own
        prepare(regions=20)
        from projects.models import Project

        if not Project.objects.filter(code="SOITE2").exists():
            call_command("load_demo", stdout=open(os.devnull, "w"))
    results = []
    for name in chosen:
        results += importlib.import_module(f"bench.{name}").run()
    figures = [r for r in results if isinstance(r, Figure)]
    comparisons = [r for r in results if isinstance(r, Comparison)]
    if figures:
        _print_figures(figures)
    if comparisons:
        print()
        _print_comparisons(comparisons)


if __name__ == "__main__":
    main()

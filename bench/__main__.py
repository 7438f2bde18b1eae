"""The benchmark: prints every speed and memory figure of the portal in one run.

    make bench            # PostgreSQL at DATABASE_URL (default: local sote_portal_bench)

Each module in bench/ has `run() -> list[Figure]`; this runner migrates, makes sure the
national-scale synthetic data is there, and prints the figures as one table."""

import importlib
import os
import pkgutil
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sote_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sote_portal_bench")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.figures import Figure  # noqa: E402


def main() -> None:
    only = sys.argv[1:]
    call_command("migrate", verbosity=0)
    from projects.models import Project

    if not Project.objects.filter(code__startswith="SCALE-").exists():
        started = time.monotonic()
        call_command("generate_scale_data")
        print(f"(generated national-scale data in {time.monotonic() - started:.0f} s)")
    if not Project.objects.filter(code="SOITE2").exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))
    figures: list[Figure] = []
    for module in pkgutil.iter_modules([os.path.dirname(__file__)]):
        if module.name in ("figures", "__main__") or (only and module.name not in only):
            continue
        figures += importlib.import_module(f"bench.{module.name}").run()
    width = max((len(f.name) for f in figures), default=10)
    print(f"{'figure':<{width}}  {'value':>12}  unit      note")
    for f in figures:
        print(f"{f.name:<{width}}  {f.value:>12.3f}  {f.unit:<8}  {f.note}")


if __name__ == "__main__":
    main()

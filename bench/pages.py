"""Pages (issues 4 and 15): the median server time of each dashboard page and of a report
page of the same 50-subproject project, at two national sizes side by side — the synthetic
data of `generate_scale_data --regions 20` and three times as much (`--regions 60`). A
project's pages read that project's rows only, so their time should not grow with the other
projects' data: the ratio of the two should be 1 within noise (the national overview is the
one page that reads everything). The time in SQL is shown beside it, as a query that scans
other projects' rows shows there first. Aim: under 300 ms a page.

Each size is measured by bench/page_times.py in a process of its own, on a database of its
own (bench/data.py), so neither warms the other's caches; the sizes take turns, ROUNDS
times, and each page keeps its fastest round, so that a burst of other work on the machine
does not pass for a difference between the sizes."""

import json
import os
import subprocess
import sys

from bench.data import database_url
from bench.figures import Comparison

SIZES = (20, 60)
ROUNDS = 2


def _times(regions: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(os.environ["DATABASE_URL"], regions),
           "LOG_LEVEL": "WARNING"}  # not the viewer's login in the security log
    result = subprocess.run([sys.executable, "-m", "bench.page_times", str(regions)], env=env,
                            check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout)


def run() -> list[Comparison]:
    runs = {regions: [] for regions in SIZES}
    for _ in range(ROUNDS):
        for regions in SIZES:
            runs[regions].append(_times(regions))
    first = runs[SIZES[0]][0]
    comparisons = []
    for i, page in enumerate(first["pages"]):
        best = {}
        for regions in SIZES:
            rounds = [r["pages"][i] for r in runs[regions]]
            assert all(row["page"] == page["page"] for row in rounds), page["page"]
            best[regions] = min(rounds, key=lambda row: row["ms"])
        comparisons.append(Comparison(
            page["page"], ms={s: row["ms"] for s, row in best.items()},
            sql_ms={s: row["sql_ms"] for s, row in best.items()},
            queries={s: row["queries"] for s, row in best.items()}))
    sizes = "; ".join(f"@{s}: {runs[s][0]['projects']} projects, {runs[s][0]['values']:,} values"
                      for s in SIZES)
    print(f"(pages: {sizes}; the fastest of {ROUNDS} rounds of medians)")
    return comparisons

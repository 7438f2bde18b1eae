import time

from django.core.management.base import BaseCommand

from demo.scale import generate_scale_data


class Command(BaseCommand):
    help = "Create synthetic projects at national scale (for benchmarks); replaces earlier ones."

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=20, help="projects, one per region")
        parser.add_argument("--work-packages", type=int, default=5)
        parser.add_argument("--subprojects", type=int, default=10, help="per work package")
        parser.add_argument("--metrics", type=int, default=80, help="per project")
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        started = time.monotonic()
        result = generate_scale_data(
            regions=options["regions"], work_packages=options["work_packages"],
            subprojects=options["subprojects"], metrics=options["metrics"],
            months=options["months"], seed=options["seed"],
        )
        self.stdout.write(
            f"{result.projects} projects, {result.subprojects} subprojects, "
            f"{result.reports} monthly reports, {result.metric_values} metric values "
            f"in {time.monotonic() - started:.1f} s"
        )

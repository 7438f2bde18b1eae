import os
import time

from django.core.management.base import BaseCommand

from demo.services import load_demo

DEFAULT_DEMO_PASSWORD = "demo-salasana-2026"


class Command(BaseCommand):
    help = ("Load the four seed projects and the demo users (demo only: known passwords), "
            "with an illustrative history of the last months (esimerkkiaineisto).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--facts-only", action="store_true",
            help="Load only what the seeds hold, without the illustrative history.")

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        started = time.monotonic()
        result = load_demo(password=password, history=not options["facts_only"])
        self.stdout.write(self.style.SUCCESS(
            f"Demo projects: {', '.join(result.projects)} ({time.monotonic() - started:.1f} s)"))
        if not options["facts_only"]:
            self.stdout.write("With an illustrative history of the last months "
                              "(esimerkkiaineisto, marked as such).")
        self.stdout.write("")
        self.stdout.write("DEMO ONLY – these accounts share a published password:")
        self.stdout.write(f"  {'username':<24} {'role':<18} project")
        for user in result.users:
            self.stdout.write(f"  {user.username:<24} {user.role:<18} {user.project}")
        self.stdout.write(f"  password for all: {password}")

from django.core.management.base import BaseCommand, CommandError

from indicators.context import sotkanet_context_fetch


class Command(BaseCommand):
    help = ("Fetch the Sotkanet context (metadata and yearly values of the county and the "
            "whole country) of every indicator the metrics name, or of the ids given.")

    def add_arguments(self, parser):
        parser.add_argument("indicator_ids", nargs="*", type=int)

    def handle(self, *args, indicator_ids, **options):
        results = sotkanet_context_fetch(indicator_ids=set(indicator_ids) or None)
        for result in results:
            if result.ok:
                self.stdout.write(f"{result.indicator_id}: {result.values} values")
            else:
                self.stderr.write(f"{result.indicator_id}: {result.error}")
        if not results:
            self.stdout.write("No metric names " + (
                "these Sotkanet indicators." if indicator_ids else "a Sotkanet indicator."))
        if any(not r.ok for r in results):
            raise CommandError("Some indicators were not fetched; the earlier values stay.")

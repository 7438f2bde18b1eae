import os

from django.core.management.base import BaseCommand

from demo.services import load_demo

DEFAULT_DEMO_PASSWORD = "demo-salasana-2026"


class Command(BaseCommand):
    help = "Load the four seed projects and the demo users (demo only: known passwords)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        result = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo projects: {', '.join(result.projects)}"))
        self.stdout.write("")
        self.stdout.write("DEMO ONLY – these accounts share a published password:")
        self.stdout.write(f"  {'username':<24} {'role':<18} project")
        for user in result.users:
            self.stdout.write(f"  {user.username:<24} {user.role:<18} {user.project}")
        self.stdout.write(f"  password for all: {password}")

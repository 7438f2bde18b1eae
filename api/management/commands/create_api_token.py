"""Create an API client and print its token (shown this once only).

    python manage.py create_api_token "THL Sotkanet" --all-projects
    python manage.py create_api_token "Pohjois-Savo" --region 11 --rate 1000/hour
    python manage.py create_api_token "Raportointi" --project POSOTE20 --project SOITE2
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_client_create
from projects.models import Project, Region


class Command(BaseCommand):
    help = "Create an API client with a token; the token is printed once and not stored."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the token, e.g. 'THL Sotkanet'.")
        parser.add_argument("--all-projects", action="store_true",
                            help="Read every project (a national client).")
        parser.add_argument("--region", action="append", default=[], metavar="CODE",
                            help="Read the projects of this region (official code); repeatable.")
        parser.add_argument("--project", action="append", default=[], metavar="SHORT_NAME",
                            help="Read this project; repeatable.")
        parser.add_argument("--rate", default="", help="Request limit, e.g. 1000/hour.")

    def handle(self, *args, name, all_projects, region, project, rate, **options):
        if not (all_projects or region or project):
            raise CommandError("Give --all-projects, or at least one --region or --project.")
        regions = list(Region.objects.filter(code__in=region))
        projects = list(Project.objects.filter(code__in=project))
        unknown = (set(region) - {r.code for r in regions}) | (
            set(project) - {p.code for p in projects})
        if unknown:
            raise CommandError(f"Unknown region or project: {', '.join(sorted(unknown))}")
        try:
            client, token = api_client_create(name=name, all_projects=all_projects,
                                              regions=regions, projects=projects, rate=rate)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stderr.write(f"Created API client {client.name!r}. Its token (shown only now):")
        self.stdout.write(token)

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def forwards(apps, schema_editor):
    """Reports get their project; values of approved subproject reports are published.

    Values of goal and project metrics were shared by several subproject reports: they now
    belong to the project's own report, which the manager approves, so they start
    unpublished."""
    MonthlyReport = apps.get_model("reports", "MonthlyReport")
    MetricValue = apps.get_model("indicators", "MetricValue")
    Subproject = apps.get_model("workpackages", "Subproject")
    MonthlyReport.objects.filter(project__isnull=True).update(
        project=Subproject.objects.filter(pk=OuterRef("subproject_id")).values("project_id")[:1]
    )
    approved = MonthlyReport.objects.filter(
        subproject_id=OuterRef("metric__subproject_id"), period=OuterRef("period"),
        state="approved",
    )
    MetricValue.objects.filter(metric__subproject__isnull=False).filter(Exists(approved)).update(
        published=True, published_at=timezone.now()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_publication'),
        ('indicators', '0003_publication'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

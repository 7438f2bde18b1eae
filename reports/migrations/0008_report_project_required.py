import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_report_project_values_published'),
    ]

    operations = [
        migrations.AlterField(
            model_name='monthlyreport',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='monthly_reports', to='projects.project', verbose_name='project'),
        ),
    ]

"""Every existing partnership gets the common learning themes (new ones get them from partnership_create)."""

from django.db import migrations

# A copy, not an import: a migration must keep meaning what it meant when it was written.
DEFAULT_LEARNING_THEMES = (
    "Voice of the child",
    "Information sharing",
    "Professional curiosity",
    "Neglect",
    "Exploitation",
    "Domestic abuse",
    "Parental mental health",
    "Parental substance misuse",
    "Escalation and challenge",
    "Multi-agency working",
    "Assessment and planning",
    "Safe sleeping",
    "Children with disabilities",
    "Adolescents and transitions",
    "Recording and record keeping",
)


def seed(apps, schema_editor):
    Partnership = apps.get_model("partnership", "Partnership")
    LearningTheme = apps.get_model("partnership", "LearningTheme")
    for partnership_id in Partnership.objects.values_list("pk", flat=True):
        have = set(LearningTheme.objects.filter(partnership_id=partnership_id).values_list("name", flat=True))
        LearningTheme.objects.bulk_create(
            [
                LearningTheme(partnership_id=partnership_id, name=name)
                for name in DEFAULT_LEARNING_THEMES
                if name not in have
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("partnership", "0011_tenant_integrity")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

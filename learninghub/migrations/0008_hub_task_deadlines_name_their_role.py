"""The open deadlines of checklist tasks owned by a role name that role (``Deadline.assignee_role``), so the
tasks already set up reach the "my tasks" of the people holding it, as new ones do."""

from django.db import migrations


def name_the_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("partnership", "Deadline")
    HubTask = apps.get_model("learninghub", "HubTask")
    task_type = ContentType.objects.filter(app_label="learninghub", model="hubtask").first()
    if task_type is None:
        return  # a new database: no task yet
    roles = HubTask.objects.filter(owner_member__isnull=True).exclude(owner_role="").values_list("owner_role", flat=True)
    for role in sorted(set(roles)):
        owned = HubTask.objects.filter(owner_member__isnull=True, owner_role=role).values("pk")
        Deadline.objects.filter(
            kind="hub_task", subject_type=task_type, subject_id__in=owned, assignee__isnull=True
        ).update(assignee_role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("learninghub", "0007_observers"),
        ("partnership", "0018_deadline_assignee_role"),
    ]

    operations = [migrations.RunPython(name_the_roles, migrations.RunPython.noop)]

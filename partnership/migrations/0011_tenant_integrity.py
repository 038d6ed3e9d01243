"""The database refuses a child row whose partnership differs from its parent's; PostgreSQL's row-level security.

What is created, and why, is in partnership.tenancy_db. Idempotent; it runs again
after every migrate (post_migrate), so tenant models added later are covered too.
"""

from django.db import migrations

import partnership.tenancy_db


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0010_recommendations"),
    ]

    operations = [
        migrations.RunPython(partnership.tenancy_db.tenant_integrity_ensure, migrations.RunPython.noop),
    ]

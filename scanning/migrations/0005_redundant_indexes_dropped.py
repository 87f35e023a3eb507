"""Three single-column indexes that another index already starts with: each cost one more
write for every entry and queue item of every poll, and no query needed them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0005_organization_data_version'),
        ('scanning', '0004_entry_search_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='entry',
            name='feed',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='scanning.feed', verbose_name='feed'),
        ),
        migrations.AlterField(
            model_name='triageitem',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='triageitementry',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organisation'),
        ),
    ]

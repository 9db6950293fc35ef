"""Full-text search on the entity name: a generated tsvector with GIN (PostgreSQL), or FTS5 (SQLite)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from pariter.registry.search import ensure_schema

    ensure_schema(schema_editor.connection)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS registry_entity_search")
            cursor.execute("ALTER TABLE registry_entity DROP COLUMN IF EXISTS search_vector")
        elif schema_editor.connection.vendor == "sqlite":
            for name in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS registry_entity_fts_{name}")
            cursor.execute("DROP TABLE IF EXISTS registry_entity_fts")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

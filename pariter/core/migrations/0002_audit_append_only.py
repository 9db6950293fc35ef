"""Make the audit table append-only in the database itself, not only in the ORM.

UPDATE is refused on both engines. DELETE is refused on PostgreSQL; on
SQLite, Django's test flush empties tables with DELETE, so there the hash
chain (which `audit_verify` walks) is what catches a removed row.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END $$;
            """
        )
        schema_editor.execute(
            "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        )


def backwards(apps, schema_editor):
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_append_only" + (
        " ON core_auditentry" if schema_editor.connection.vendor == "postgresql" else ""
    ))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

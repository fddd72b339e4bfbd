"""The database itself refuses to change or delete an audit row (not only the admin and the model).

PostgreSQL: a row trigger on UPDATE and DELETE. TRUNCATE is a statement, not a row change, so test
databases can still be emptied between tests; it needs the table owner's right, which the app's
everyday work never uses. SQLite (`make run`): UPDATE only, because Django's test flush deletes rows.
"""

from django.db import migrations

PG_PASANG = """
CREATE OR REPLACE FUNCTION audit_jejak_tolak_ubah() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_jejak is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_jejak_tanpa_ubah BEFORE UPDATE OR DELETE ON audit_jejak
    FOR EACH ROW EXECUTE FUNCTION audit_jejak_tolak_ubah();
"""
PG_LEPAS = """
DROP TRIGGER IF EXISTS audit_jejak_tanpa_ubah ON audit_jejak;
DROP FUNCTION IF EXISTS audit_jejak_tolak_ubah();
"""
SQLITE_PASANG = """
CREATE TRIGGER audit_jejak_tanpa_ubah BEFORE UPDATE ON audit_jejak
BEGIN SELECT RAISE(ABORT, 'audit_jejak is append-only: UPDATE refused'); END;
"""
SQLITE_LEPAS = "DROP TRIGGER IF EXISTS audit_jejak_tanpa_ubah;"


def pasang(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_PASANG, params=None)  # the % of RAISE is not a parameter
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_PASANG)


def lepas(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_LEPAS, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_LEPAS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_jejak")]

    operations = [migrations.RunPython(pasang, lepas)]

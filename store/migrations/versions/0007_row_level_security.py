"""Tenants isolated by PostgreSQL itself: an application role under row-level security

- Role `influencer_app` (NOLOGIN unless the operator gives it a password; the embedded server lets
  it log in over its socket): no superuser, no BYPASSRLS, owns nothing; DML on every table.
- Every table with a tenant_id: RLS ENABLEd and FORCEd. Policy `tenant_isolation` for the app
  role: rows of `current_setting('app.tenant_id')` only (set per transaction with SET LOCAL; unset
  means no rows at all). Policy `operator_all` for the role that ran this migration (the owner:
  migrations, imports, the scheduler and the eval runner, each an explicit choice in the code).
- Three SECURITY DEFINER look-ups, the only ways across tenants the app role has: which tenant an
  owner identity, a web conversation id or a Twilio message sid belongs to (an id, never a row).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
from sqlalchemy import text

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"
LOOKUPS = ("ios_tenant_of_owner(text, text)", "ios_tenant_of_conversation(text)", "ios_tenant_of_outbound(text)")
ISOLATION = "tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint"


def _tenant_tables() -> list[str]:
    return list(op.get_bind().execute(text(
        "select table_name from information_schema.columns where table_schema = 'public' "
        "and column_name = 'tenant_id' order by table_name"
    )).scalars())


def upgrade() -> None:
    op.execute(f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
          END IF;
        END $$;
    """)
    # The migrating role may act as the app role (SET ROLE / options=-c role=...), for servers where
    # only one login is given.
    op.execute(f"GRANT {APP_ROLE} TO CURRENT_USER")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}")
    tables = _tenant_tables()
    for table in tables:
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"')
        op.execute(f'CREATE POLICY tenant_isolation ON "{table}" TO {APP_ROLE} USING ({ISOLATION}) '
                   f'WITH CHECK ({ISOLATION})')
        op.execute(f'DROP POLICY IF EXISTS operator_all ON "{table}"')
        op.execute(f'CREATE POLICY operator_all ON "{table}" TO CURRENT_USER USING (true) WITH CHECK (true)')
    op.execute("""
        CREATE OR REPLACE FUNCTION ios_tenant_of_owner(p_kind text, p_value text) RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT tenant_id FROM owner_identities WHERE kind = p_kind AND value = p_value LIMIT 1
        $$;
        CREATE OR REPLACE FUNCTION ios_tenant_of_conversation(p_id text) RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT tenant_id FROM conversations WHERE id = p_id LIMIT 1
        $$;
        CREATE OR REPLACE FUNCTION ios_tenant_of_outbound(p_provider_id text) RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT tenant_id FROM outbound_messages WHERE provider_id = p_provider_id LIMIT 1
        $$;
    """)
    for fn in LOOKUPS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {APP_ROLE}")


def downgrade() -> None:
    tables = _tenant_tables()
    for table in tables:
        op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"')
        op.execute(f'DROP POLICY IF EXISTS operator_all ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    for fn in LOOKUPS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")

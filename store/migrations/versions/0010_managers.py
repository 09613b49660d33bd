"""Managers: a phone that answers for several influencers (a team member or an agency), as an owner
identity of kind 'manager' that may repeat across tenants; owners' phones and tokens stay unique.

A SECURITY DEFINER look-up gives the app role the tenants a manager phone serves (ids only).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

APP_ROLE = "influencer_app"


def upgrade() -> None:
    op.drop_constraint("uq_owner_identity", "owner_identities", type_="unique")
    op.execute("CREATE UNIQUE INDEX uq_owner_identity ON owner_identities (kind, value) WHERE kind <> 'manager'")
    op.execute("CREATE UNIQUE INDEX uq_owner_identity_tenant ON owner_identities (tenant_id, kind, value)")
    op.execute("""
        CREATE OR REPLACE FUNCTION ios_tenants_of_manager(p_phone text) RETURNS bigint[]
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT coalesce(array_agg(tenant_id ORDER BY id), '{}') FROM owner_identities
          WHERE kind = 'manager' AND value = p_phone
        $$;
    """)
    op.execute("REVOKE ALL ON FUNCTION ios_tenants_of_manager(text) FROM PUBLIC")
    op.execute(f"""
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            GRANT EXECUTE ON FUNCTION ios_tenants_of_manager(text) TO {APP_ROLE};
          END IF;
        END $$;
    """)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS ios_tenants_of_manager(text)")
    op.execute("DELETE FROM owner_identities WHERE kind = 'manager'")
    op.execute("DROP INDEX IF EXISTS uq_owner_identity_tenant")
    op.execute("DROP INDEX IF EXISTS uq_owner_identity")
    op.create_unique_constraint("uq_owner_identity", "owner_identities", ["kind", "value"])

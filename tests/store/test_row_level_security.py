"""Tenants are kept apart by PostgreSQL itself (row-level security), not only by `WHERE tenant_id`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from knowledge.bundles import import_bundle_file
from store import coupons as coupon_store
from store.models import Base, Coupon, Tenant
from store.tenancy import bind

AVI_BUNDLE = Path(__file__).resolve().parents[2] / "evals" / "bundles" / "avi-grill.json"


@pytest.fixture
def two_tenants(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    import_bundle_file(db, AVI_BUNDLE)
    with db.admin_session() as s:
        ids = dict(s.execute(select(Tenant.handle, Tenant.id)).all())
    return db, ids["shira.kitchen"], ids["avi.grill"]


def test_every_tenant_table_has_rls_enabled_forced_and_a_policy(db):
    with db.admin_engine.connect() as conn:
        tables = set(conn.execute(text(
            "select table_name from information_schema.columns where table_schema = 'public' "
            "and column_name = 'tenant_id'")).scalars())
        flags = {r.relname: (r.relrowsecurity, r.relforcerowsecurity) for r in conn.execute(text(
            "select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any(:t)"),
            {"t": list(tables)})}
        policies = set(conn.execute(text(
            "select tablename from pg_policies where policyname = 'tenant_isolation' "
            "and 'influencer_app' = any(roles)")).scalars())
    modelled = {t.name for t in Base.metadata.sorted_tables if "tenant_id" in t.columns}
    assert modelled <= tables and len(tables) >= 20
    assert {t for t in tables if flags.get(t) != (True, True)} == set()
    assert tables - policies == set()


def test_the_app_connects_as_a_restricted_role(db):
    with db.engine.connect() as conn:
        row = conn.execute(text(
            "select current_user, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user")).one()
    assert row.current_user == "influencer_app" and not row.rolsuper and not row.rolbypassrls
    assert db.url != db.admin_url


def test_a_query_with_no_tenant_set_returns_no_rows(two_tenants):
    db, _, _ = two_tenants
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Coupon)) > 0  # the data is there
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Coupon)) == 0
        assert s.execute(text("select count(*) from messages")).scalar() == 0


def test_a_query_with_no_tenant_filter_sees_only_the_bound_tenant(two_tenants):
    db, shira, avi = two_tenants
    with db.session(tenant_id=shira) as s:
        tenants = set(s.scalars(select(Coupon.tenant_id)))  # no WHERE tenant_id at all
    assert tenants == {shira}
    with db.session(tenant_id=avi) as s:
        assert set(s.scalars(select(Coupon.tenant_id))) == {avi}
        s.commit()  # a new transaction keeps the scope
        assert set(s.scalars(select(Coupon.tenant_id))) == {avi}


def test_writing_a_row_of_another_tenant_is_refused(two_tenants):
    from sqlalchemy.exc import ProgrammingError

    db, shira, avi = two_tenants
    with pytest.raises(ProgrammingError, match="row-level security"), db.session(tenant_id=shira) as s:
        s.execute(text("insert into events (tenant_id, kind, payload, at) values (:t, 'x', '{}', now())"),
                  {"t": avi})
    with db.session(tenant_id=shira) as s:
        changed = s.execute(text("update coupons set active = false where tenant_id = :t"), {"t": avi}).rowcount
    assert changed == 0


def test_isolation_holds_with_the_application_filter_removed(two_tenants, monkeypatch):
    """The coupon repository's own `tenant_id` filter is taken out: the database still stops a follower
    of one influencer from getting another influencer's code."""
    db, shira, avi = two_tenants

    def unfiltered(*, session, tenant_id, code):
        return session.scalars(select(Coupon).where(func.upper(Coupon.code) == code.upper())).first()

    monkeypatch.setattr(coupon_store, "get_by_code", unfiltered)
    with db.admin_session() as s:
        avi_code = s.scalars(select(Coupon.code).where(Coupon.tenant_id == avi)).first()
        shira_code = s.scalars(select(Coupon.code).where(Coupon.tenant_id == shira)).first()
    with db.session() as s:
        bind(s, shira)
        assert coupon_store.get_by_code(session=s, tenant_id=shira, code=avi_code) is None
        assert coupon_store.get_by_code(session=s, tenant_id=shira, code=shira_code) is not None

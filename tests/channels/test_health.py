"""The server's /health checks the database, Redis and migrations; OpenAPI is served."""

from __future__ import annotations

from fastapi.testclient import TestClient

from channels.app import create_app


def test_health_reports_each_check(db) -> None:
    with TestClient(create_app(database=db)) as client:
        response = client.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert {k: body[k] for k in ("status", "checks")} == {
            "status": "ok", "checks": {"database": "ok", "migrations": "ok", "redis": "ok"}}
        assert body["engine"] == {"name": "offline", "model": "offline"}  # no key: no model, nothing to detect
        assert client.get("/openapi.json").json()["info"]["title"] == "Influencer OS"

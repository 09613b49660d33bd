"""Property-based testing of the whole HTTP API with schemathesis, over the app's own OpenAPI.

A real server (uvicorn on a free port, the demo influencer, the real agent) takes generated
requests for every route; owner routes get a valid owner token. What must hold: no server error,
and every 4xx is application/problem+json (a 422 names the field at fault). The number of examples
per route is bounded so the gate stays quick; SCHEMATHESIS_EXAMPLES raises it for a longer run.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import select

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(database):
    """(base URL, owner headers) of a live server on the demo data."""
    import uvicorn
    from db_support import truncate_all

    from channels.app import create_app
    from channels.demo import load_demo
    from store import owners as owner_store
    from store.models import Tenant

    truncate_all(database)
    load_demo(database)
    with database.admin_session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.handle == "maya.glow"))
        token = owner_store.create_token(session=s, tenant_id=tenant_id, label="schemathesis")
    port = _free_port()
    app = create_app(database=database, overrides={"conversation_rate": (10**6, 10**3), "event_rate": (10**6, 10**3)})
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def api_schema(api):  # noqa: D103
    return schemathesis.openapi.from_url(f"{api[0]}/openapi.json")


@schemathesis.check
def problem_json_naming_the_field(ctx, response, case):
    """Every 4xx is problem+json; a 422 says which field is wrong."""
    if 400 <= response.status_code < 500:
        kind = response.headers.get("content-type", [""])
        kind = kind[0] if isinstance(kind, list) else kind
        assert kind.startswith("application/problem+json"), f"{response.status_code} as {kind!r}"
        body = response.json()
        if response.status_code == 422:
            fields = [e.get("field") for e in body.get("errors") or []] + [body.get("field")]
            assert any(fields), f"a 422 that names no field: {body}"


def test_no_server_errors_and_every_4xx_is_a_problem(api_schema, api):
    from hypothesis import given

    base_url, owner = api
    failures: list[str] = []
    operations, calls, statuses = 0, [0], set()
    case_headers: list[dict[str, str]] = [{}]  # the current route's headers (read by `check`)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        headers = dict(owner) if operation.path.startswith("/owner/") else {}

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case) -> None:
            calls[0] += 1
            response = case.call_and_validate(
                base_url=base_url,
                headers=case_headers[0],
                checks=[schemathesis.checks.not_a_server_error, problem_json_naming_the_field],
                timeout=30,
            )
            statuses.add(response.status_code)

        case_headers[0] = headers
        try:
            check()
        except Exception as exc:  # one line per failing route, every route still tried
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:600]}")
    assert operations >= 15  # every route of the chat, owner and WhatsApp APIs was tried
    assert calls[0] >= operations * 2 and {200, 422} <= statuses, (calls, statuses)
    assert not failures, "\n\n".join(failures)

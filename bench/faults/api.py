"""Row 8 of issue 13: a web page open in the analyst's browser calls the Prefect API of
`peninsula serve`. The suite's own server is started as serve starts it
(flows/server_process), so its answer is serve's."""

from __future__ import annotations

import time

import httpx

from bench.faults.common import Context, Outcome


def foreign_origin(ctx: Context) -> list[Outcome]:
    started = time.monotonic()
    answer = httpx.options(
        f"{ctx.api}/deployments/filter",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    allowed = answer.headers.get("access-control-allow-origin")
    # Without the password serve made, a plain request is refused as well.
    unauthenticated = httpx.post(f"{ctx.api}/deployments/filter", json={}).status_code
    outcome = (
        f"preflight from a foreign Origin: {'ALLOWED ' + allowed if allowed else 'no CORS header'}"
        f"; a request without serve's password: HTTP {unauthenticated}"
    )
    sound = allowed is None and unauthenticated == 401
    return [
        Outcome(
            "row 8: a foreign web page calls the API",
            outcome,
            time.monotonic() - started,
            0.0,
            writable=None,
            sound=sound,
        )
    ]


CASES = [foreign_origin]

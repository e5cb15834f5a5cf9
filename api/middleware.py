"""A pure ASGI middleware that merges ``Vary`` values set by the app, gzip and CORS.

Our answers say ``Vary: Accept, Accept-Encoding`` whether or not gzip applies (a cache must
not hand a gzipped body to a client that cannot read it); gzip and CORS then append their own
values, which would repeat ``Accept-Encoding``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class MergeVary:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_merged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                values = [v.strip() for h in headers.getlist("vary") for v in h.split(",")]
                if values:
                    seen: dict[str, str] = {}
                    for value in values:
                        if value:
                            seen.setdefault(value.lower(), value)
                    del headers["vary"]
                    headers["Vary"] = ", ".join(seen.values())
            await send(message)

        await self.app(scope, receive, send_merged)

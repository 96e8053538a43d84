#!/usr/bin/python3
# test-ws-refused.py: a refused WebSocket upgrade (401 without a valid
# token, 403 from a foreign origin) answers at once with "Connection:
# close" and closes, so that Python's websockets client reports it at
# once instead of waiting 10 s for the close.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402


async def refused(url, **kw):
    t0 = time.monotonic()
    try:
        async with websockets.connect(url, open_timeout=30, close_timeout=30, **kw):
            return None, time.monotonic() - t0
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code, time.monotonic() - t0


async def accepted(url, token):
    async with websockets.connect(url, extra_headers={"Authorization": "Bearer " + token}) as ws:
        frame = await asyncio.wait_for(ws.recv(), 10)
        return frame


def main():
    with cs_test.Server("[server]\npublic_url=http://chat.example.com\n") as s:
        s.tenant("acme", "ada@example.com")
        token = s.token("acme", "ada@example.com")
        url = "ws://127.0.0.1:%d/api/ws" % s.port

        status, took = asyncio.run(refused(url))
        check(status == 401, "an upgrade without a token is refused with 401 (got %s)" % status)
        check(took < 2, "... and the client learns it at once (%.2f s)" % took)

        status, took = asyncio.run(refused(url, extra_headers={"Authorization": "Bearer nope"}))
        check(status == 401 and took < 2, "a bad token: 401 in %.2f s" % took)

        status, took = asyncio.run(refused(url, origin="http://evil.example.net",
                                           extra_headers={"Authorization": "Bearer " + token}))
        check(status == 403 and took < 2, "a foreign origin: 403 in %.2f s (got %s)" % (took, status))

        s_, headers, _ = s.request("GET", "/api/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                                             "Sec-WebSocket-Version": "13",
                                                             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
        check(s_ == 401 and (headers.get("Connection") or "").lower() == "close",
              "the refusal says Connection: close (%s, %r)" % (s_, headers.get("Connection")))

        frame = asyncio.run(accepted(url, token))
        check('"ready"' in frame, "a good upgrade still works: %s" % frame[:40])


main()

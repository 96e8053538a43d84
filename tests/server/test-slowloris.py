#!/usr/bin/python3
# test-slowloris.py: slow and half-open connections. A connection whose
# request headers are not in within header_timeout_seconds is closed, one
# client address holds at most connections_per_address connections, and
# while 5,000 slowloris connections are held /healthz, REST and WebSocket
# keep answering for a signed-in user. The server starts with a soft limit
# of 1,024 open files, as a service manager may give it.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import errno
import os
import select
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
N = 5000
# GLib's main loop costs O(connections) per source added, so accepting N
# slow connections is O(N²): 5,000 take some 3 s here, but more than 30 s
# in an AddressSanitizer build, longer than any header timeout a test can
# wait for. Such a build holds fewer, for longer.
SANITIZED = b"__asan_init" in open(cs_test.binary(), "rb").read()
HELD = 2000 if SANITIZED else N
HELD_TIMEOUT = 25 if SANITIZED else 15


def slow_connections(port, sources, n):
    """@n connections spread over @sources, each with half a request sent."""
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((sources[i % len(sources)], 0))
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            raise OSError(err, "connect")
        socks.append(s)
    for s in socks:
        p = select.poll()
        p.register(s, select.POLLOUT)
        p.poll(5000)
        try:
            s.send(PARTIAL)
        except OSError:
            pass   # refused and closed already
    return socks


def closed_by_server(socks, wait):
    """How many of @socks the server closed (or refused) within @wait s."""
    poller = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    closed = set()
    refused = 0
    deadline = time.monotonic() + wait
    while len(closed) < len(by_fd) and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            if fd in closed:
                continue
            try:
                data = by_fd[fd].recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 429"):
                refused += 1
            if not data or data.startswith(b"HTTP/1.1 429"):
                closed.add(fd)
                poller.unregister(fd)
    return len(closed), refused


def healthz_latencies(s, n=20):
    out = []
    for _ in range(n):
        t0 = time.monotonic()
        status, _, body = s.request("GET", "/healthz", timeout=5)
        out.append(time.monotonic() - t0)
        assert status == 200 and body == "ok\n", (status, body)
    return out


async def ws_ready(s, token):
    t0 = time.monotonic()
    async with websockets.connect("ws://127.0.0.1:%d/api/ws" % s.port, open_timeout=5,
                                  extra_headers={"Authorization": "Bearer " + token}) as ws:
        frame = await asyncio.wait_for(ws.recv(), 5)
        assert '"ready"' in frame, frame
        return time.monotonic() - t0


def signed_in_user_works(s, token, what):
    lat = healthz_latencies(s)
    check(max(lat) < 1.0, "%s: /healthz answers (median %.1f ms, max %.1f ms)"
          % (what, statistics.median(lat) * 1000, max(lat) * 1000))
    t0 = time.monotonic()
    status, _, me = s.request("GET", "/api/me", token=token, timeout=5)
    check(status == 200 and me["email"] == "ada@example.com",
          "%s: GET /api/me answers (%.1f ms)" % (what, (time.monotonic() - t0) * 1000))
    took = asyncio.run(ws_ready(s, token))
    check(took < 2, "%s: a WebSocket opens and says ready (%.1f ms)" % (what, took * 1000))
    return lat


async def ws_cap(s, token, source, cap):
    url = "ws://127.0.0.1:%d/api/ws" % s.port
    kw = dict(open_timeout=5, local_addr=(source, 0), extra_headers={"Authorization": "Bearer " + token})
    held = []
    for _ in range(cap):
        ws = await websockets.connect(url, **kw)
        await asyncio.wait_for(ws.recv(), 5)
        held.append(ws)
    check(True, "%s holds %d WebSockets" % (source, cap))
    try:
        await websockets.connect(url, **kw)
        refused = None
    except websockets.exceptions.InvalidStatusCode as e:
        refused = e.status_code
    except (ConnectionError, websockets.exceptions.InvalidMessage) as e:
        refused = repr(e)
    check(refused == 429, "a WebSocket counts as a connection: one more from %s is refused (%s)" % (source, refused))
    await held.pop().close()
    await asyncio.sleep(0.3)
    ws = await websockets.connect(url, **kw)
    check(True, "once one closed, %s opens another" % source)
    await asyncio.gather(ws.close(), *(w.close() for w in held))


def part_cap():
    """The per-address cap refuses most of 5,000 from one address."""
    config = ("[limits]\nheader_timeout_seconds=4\nbody_timeout_seconds=3\nconnections_per_address=64\n"
              "[metrics]\nlisten=127.0.0.1:0\n")
    with cs_test.Server(config, fd_soft_limit=1024) as s:
        s.tenant("acme", "ada@example.com")
        token = s.token("acme", "ada@example.com")

        # One silent connection: closed once its headers are late.
        t0 = time.monotonic()
        silent = socket.create_connection(("127.0.0.1", s.port))
        silent.settimeout(10)
        try:
            data = silent.recv(100)
        except OSError:
            data = b""
        took = time.monotonic() - t0
        check(data == b"" and 3 <= took < 7, "a silent connection is closed after the header timeout (%.1f s)" % took)

        # Dribbling a byte at a time does not extend the deadline.
        t0 = time.monotonic()
        drip = socket.create_connection(("127.0.0.1", s.port))
        drip.settimeout(0.5)
        alive = True
        for b in (PARTIAL + b"x" * 40):
            try:
                drip.send(bytes([b]))
                if drip.recv(100) == b"":
                    alive = False
                    break
            except socket.timeout:
                pass
            except OSError:
                alive = False
                break
            if time.monotonic() - t0 > 12:
                break
        took = time.monotonic() - t0
        check(not alive and took < 7, "a request dribbled byte by byte is closed too (%.1f s)" % took)

        # A body that stops coming: closed once it has paused body_timeout_seconds.
        t0 = time.monotonic()
        half = socket.create_connection(("127.0.0.1", s.port))
        half.settimeout(10)
        half.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"tenant\":")
        try:
            data = half.recv(100)
        except OSError:
            data = b""
        took = time.monotonic() - t0
        check(data == b"" and 2.5 <= took < 6, "a request body that stops coming is dropped (%.1f s)" % took)

        # A body that keeps coming, however slowly, is read and answered.
        body = b'{"tenant":"acme","email":"ada@example.com","password":"wrong password"}'
        slow = socket.create_connection(("127.0.0.1", s.port))
        slow.settimeout(10)
        slow.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body))
        t0 = time.monotonic()
        for i in range(0, len(body), len(body) // 5 + 1):
            slow.sendall(body[i:i + len(body) // 5 + 1])
            time.sleep(1.5)
        reply = slow.recv(100)
        check(reply.startswith(b"HTTP/1.1 401"), "a body sent in pieces 1.5 s apart is read and answered (%.1f s): %r"
              % (time.monotonic() - t0, reply[:12]))

        # A complete request is answered, and the connection closes after it, as the answer says.
        t0 = time.monotonic()
        plain = socket.create_connection(("127.0.0.1", s.port))
        plain.settimeout(5)
        plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reply = b""
        while True:
            chunk = plain.recv(4096)
            if not chunk:
                break
            reply += chunk
        check(reply.startswith(b"HTTP/1.1 200") and b"\r\nConnection: close\r\n" in reply
              and time.monotonic() - t0 < 1,
              "an HTTP/1.1 request is answered with Connection: close, and closed (%.0f ms)"
              % ((time.monotonic() - t0) * 1000))

        asyncio.run(ws_cap(s, token, "127.0.0.5", 64))

        fds0, rss0 = cs_test.open_fds(s.pid), cs_test.rss_kb(s.pid)
        socks = slow_connections(s.port, ["127.0.0.2"], N)
        for _ in range(100):   # until the server has accepted (or refused) them all
            held = s.metric("causerie_http_connections")
            refused = s.metric("causerie_http_connections_refused_total")
            if refused >= N - 64:
                break
            time.sleep(0.1)
        check(held <= 64 + 2, "5,000 connections from 127.0.0.2: the server holds %d" % held)
        check(refused >= N - 64, "... and refused %d with a 429" % refused)
        signed_in_user_works(s, token, "while 127.0.0.2 tries 5,000")
        print("  server fds %d -> %d, RSS %d -> %d KiB" % (fds0, cs_test.open_fds(s.pid), rss0, cs_test.rss_kb(s.pid)))
        closed, got_429 = closed_by_server(socks, 10)
        check(closed == N, "every one of them is closed by the server (%d, %d with a 429 first)" % (closed, got_429))
        for sock in socks:
            sock.close()


def part_timeout():
    """With the cap out of reach (100 per address from 50 addresses), the
    header deadline is what frees the server; and the server holds them
    all, past its soft limit of 1,024 descriptors, only if it raised it."""
    config = ("[limits]\nheader_timeout_seconds=%d\nconnections_per_address=128\n[metrics]\nlisten=127.0.0.1:0\n"
              % HELD_TIMEOUT)
    with cs_test.Server(config, fd_soft_limit=1024) as s:
        s.tenant("acme", "ada@example.com")
        token = s.token("acme", "ada@example.com")
        fds0, rss0 = cs_test.open_fds(s.pid), cs_test.rss_kb(s.pid)

        t0 = time.monotonic()
        socks = slow_connections(s.port, ["127.0.0.%d" % i for i in range(2, 52)], HELD)
        for _ in range(10 * HELD_TIMEOUT):
            held = s.metric("causerie_http_connections")
            if held >= HELD:
                break
            time.sleep(0.1)
        check(held >= HELD, "%d slow connections from 50 addresses are all held (%d, %.1f s to open)"
              % (HELD, held, time.monotonic() - t0))
        fds, rss = cs_test.open_fds(s.pid), cs_test.rss_kb(s.pid)
        print("  server with %d held: %d fds (was %d), RSS %d KiB (was %d)" % (HELD, fds, fds0, rss, rss0))
        check(fds > HELD, "the server raised its soft limit of 1,024 open files to hold them")
        signed_in_user_works(s, token, "while %d are held" % HELD)
        closed, _ = closed_by_server(socks, HELD_TIMEOUT + 6)
        took = time.monotonic() - t0
        check(closed == HELD, "all %d are closed once their headers are late (%d in %.1f s)" % (HELD, closed, took))
        for sock in socks:
            sock.close()
        time.sleep(1.5)   # the server gives memory back a second after a crowd has gone
        # The signed-in user's WebSocket closes on its own time: wait for it.
        left = s.metric("causerie_http_connections")
        for _ in range(100):
            if left <= 2:
                break
            time.sleep(0.1)
            left = s.metric("causerie_http_connections")
        check(left <= 2, "and the server counts none left open (%d)" % left)
        check(s.metric("causerie_http_connections_timed_out_total") >= HELD,
              "%d timed out" % s.metric("causerie_http_connections_timed_out_total"))
        print("  server after: %d fds, RSS %d KiB" % (cs_test.open_fds(s.pid), cs_test.rss_kb(s.pid)))
        signed_in_user_works(s, token, "afterwards")


limit = cs_test.raise_fd_limit()
if limit < 2 * N + 200:
    print("SKIP: this test needs %d open files and may have %d" % (2 * N + 200, limit))
    sys.exit(cs_test.SKIP)
part_cap()
part_timeout()

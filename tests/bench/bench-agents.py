#!/usr/bin/python3
# bench-agents.py: an agent's streamed answer in a room of 200 connected
# members (issue 14). The real causerie-server on a loopback port, an
# OpenAI-compatible endpoint in this process (tests/server/test-agents.py's)
# streaming each answer in 40 pieces over 2 s, 200 WebSockets. Prints the
# server's CPU time (from /proc, user + system) per delivered frame for
# plain messages and for the edits of streamed answers, measured in the
# same run. Figures are printed, never asserted; the exit status is
# non-zero only when a frame was lost.
#
# `meson test -C BUILDDIR --benchmark --suite server -v agents`
# BENCH_QUICK=1: fewer messages and answers.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import importlib.util
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import cs_test  # noqa: E402

import websockets  # noqa: E402

spec = importlib.util.spec_from_file_location("test_agents", os.path.join(HERE, "..", "server", "test-agents.py"))
agents_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agents_test)

MEMBERS = 200
QUICK = os.environ.get("BENCH_QUICK") == "1"
PLAIN = 10 if QUICK else 40
ANSWERS = 2 if QUICK else 6
PIECES = 40
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Member:
    def __init__(self, token):
        self.token = token
        self.new = 0
        self.edits = 0
        self.ends = 0

    async def run(self, port, ready):
        async with websockets.connect("ws://127.0.0.1:%d/api/ws" % port, max_size=None,
                                      extra_headers={"Authorization": "Bearer " + self.token}) as ws:
            hello = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "sync", "since": hello["seq"]}))
            ready.set_result(True) if not ready.done() else None
            async for raw in ws:
                f = json.loads(raw)
                if f["type"] == "message.new":
                    self.new += 1
                elif f["type"] == "message.edit" and f["data"].get("kind") == "agent":
                    self.edits += 1
                    if f["data"].get("streaming") is False:
                        self.ends += 1


async def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def bench(s, admin, tokens, room, ep):
    members = [Member(t) for t in tokens]
    tasks = []
    for m in members:
        ready = asyncio.get_running_loop().create_future()
        tasks.append(asyncio.create_task(m.run(s.port, ready)))
        await asyncio.wait_for(ready, 30)
    await asyncio.sleep(1)
    pid = s.pid
    loop = asyncio.get_running_loop()

    def send(body, txn):
        return agents_test.post(s, admin, room, body, txn)

    # Plain messages, one every 100 ms.
    base = sum(m.new for m in members)
    c0 = cpu_seconds(pid)
    for i in range(PLAIN):
        await loop.run_in_executor(None, send, "plain message %d" % i, "p%d" % i)
        await asyncio.sleep(0.1)
    ok_plain = await wait_for(lambda: sum(m.new for m in members) - base >= PLAIN * len(members), 60)
    c1 = cpu_seconds(pid)
    plain_delivered = sum(m.new for m in members) - base

    # Streamed answers, one after the other.
    ep.mode = "stream"
    ep.pieces = ["word%d " % i for i in range(PIECES)]
    ep.pause = 2.0 / PIECES
    base_new = sum(m.new for m in members)
    base_edits = sum(m.edits for m in members)
    c2 = cpu_seconds(pid)
    t2 = time.time()
    for i in range(ANSWERS):
        ends = sum(m.ends for m in members)
        await loop.run_in_executor(None, send, "@architect answer %d" % i, "a%d" % i)
        await wait_for(lambda: sum(m.ends for m in members) - ends >= len(members), 30)
    c3 = cpu_seconds(pid)
    t3 = time.time()
    edits = sum(m.edits for m in members) - base_edits
    news = sum(m.new for m in members) - base_new
    ok_answers = sum(m.ends for m in members) == ANSWERS * len(members)
    for t in tasks:
        t.cancel()

    plain_cpu = (c1 - c0) / max(plain_delivered, 1)
    edit_cpu_raw = (c3 - c2) / max(edits, 1)
    # The mentions and the answers' message.new cost what plain messages do.
    edit_cpu = max((c3 - c2) - news * plain_cpu, 0) / max(edits, 1)
    print("members connected: %d" % len(members))
    print("plain messages: %d sent, %d deliveries, server CPU %.3f s: %.1f µs per delivered message"
          % (PLAIN, plain_delivered, c1 - c0, plain_cpu * 1e6))
    print("streamed answers: %d of %d pieces in %.1f s, %d edits delivered (%.1f per answer per member), "
          "%d message.new delivered, server CPU %.3f s"
          % (ANSWERS, PIECES, t3 - t2, edits, edits / max(ANSWERS * len(members), 1), news, c3 - c2))
    print("server CPU per delivered edit: %.1f µs (all of the phase's CPU / edits: %.1f µs); "
          "per delivered plain message: %.1f µs" % (edit_cpu * 1e6, edit_cpu_raw * 1e6, plain_cpu * 1e6))
    print("(CPU clock ticks: %d per second)" % TICK)
    return ok_plain and ok_answers


def main():
    cs_test.raise_fd_limit()
    ep = agents_test.Endpoint()
    config = ("[agents]\nendpoint = http://127.0.0.1:%d\ninvocations_per_minute = 0\n"
              "[limits]\nmessages_per_minute = 0\nconnections_per_address = 1000\n" % ep.port)
    try:
        with cs_test.Server(config) as s:
            s.tenant("bench", "admin@example.com")
            admin = s.token("bench", "admin@example.com")
            _, _, room = s.request("POST", "/api/rooms", {"type": "group", "name": "Bench"}, token=admin)
            agent = agents_test.make_agent(s, admin)
            assert s.request("POST", "/api/rooms/%s/members" % room["id"], {"user_id": agent["id"]},
                             token=admin)[0] == 201
            tokens = [admin]
            for i in range(MEMBERS - 1):
                email = "m%03d@example.com" % i
                status, _, user = s.request("POST", "/api/admin/users",
                                            {"email": email, "display_name": "Member %d" % i,
                                             "password": cs_test.PASSWORD}, token=admin)
                assert status == 201, user
                assert s.request("POST", "/api/rooms/%s/members" % room["id"], {"user_id": user["id"]},
                                 token=admin)[0] == 201
                tokens.append(s.token("bench", email))
            ok = asyncio.run(bench(s, admin, tokens, room["id"], ep))
    finally:
        ep.close()
    if not ok:
        print("FAIL: frames were lost")
        sys.exit(1)


if __name__ == "__main__":
    main()

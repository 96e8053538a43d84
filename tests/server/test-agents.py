#!/usr/bin/python3
# test-agents.py: agents (issue 14) against the real server: tenant admins
# create, list, edit and remove them; they cannot sign in, join rooms like
# people and are found by @handle. A mention of an agent in one of its
# rooms asks a small OpenAI-compatible endpoint run by this test (real
# HTTP, a chunked body of server-sent events sent with pauses); the answer
# streams over the WebSocket and ends, or ends with agent_error.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import http.server
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

ADMIN = "ada@example.com"
BOB = "bob@example.com"


# ---- a small OpenAI-compatible endpoint, in this process ---------------------

class Endpoint:
    """POST /v1/chat/completions answered as server-sent events in a chunked
    body, piece by piece with pauses. @mode: "stream", "slow" (long pauses),
    "quick", "500", "hang" (headers only after a long wait)."""

    def __init__(self):
        self.mode = "stream"
        self.pieces = ["Hello", " there", ", I am", " the architect", "."]
        self.pause = 0.15
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle(self):
                # The server drops a connection once it has its answer.
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def chunk(self, text):
                data = text.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                mode = outer.mode
                if mode == "500":
                    self.send_response(500)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"no")
                    return
                if mode == "hang":
                    time.sleep(4)
                if mode == "flood":
                    # One endless line: the server must give up, not grow.
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        self.chunk("data: {\"choices\":[{\"delta\":{\"content\":\"")
                        for _ in range(64):
                            self.chunk("x" * 16384)
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    pause = {"slow": 0.5, "quick": 0, "hang": 0}.get(mode, outer.pause)
                    pieces = outer.pieces * (4 if mode == "slow" else 1)
                    for p in pieces:
                        ev = {"choices": [{"index": 0, "delta": {"content": p}}]}
                        self.chunk("data: %s\n\n" % json.dumps(ev))
                        time.sleep(pause)
                    self.chunk('data: {"choices":[],"usage":{"prompt_tokens":42,"completion_tokens":7}}\n\n')
                    self.chunk("data: [DONE]\n\n")
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def count(self):
        with self.lock:
            return len(self.requests)

    def last(self):
        with self.lock:
            return self.requests[-1]

    def close(self):
        self.httpd.shutdown()


class Socket:
    """A WebSocket of one person, collecting frames in the background."""

    def __init__(self, port, token):
        self.port = port
        self.token = token

    async def __aenter__(self):
        self.ws = await websockets.connect("ws://127.0.0.1:%d/api/ws" % self.port,
                                           extra_headers={"Authorization": "Bearer " + self.token},
                                           max_size=None)
        ready = json.loads(await self.ws.recv())
        assert ready["type"] == "ready", ready
        # Live at once: a socket that says nothing is held back a moment.
        await self.ws.send(json.dumps({"type": "sync", "since": ready["seq"]}))
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def answer(self, reply_to, timeout=15, answer_id=None):
        """The frames of the agent's answer to @reply_to (or of @answer_id),
        until it ends or @timeout seconds passed."""
        frames = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                f = json.loads(await asyncio.wait_for(self.ws.recv(), deadline - time.time()))
            except asyncio.TimeoutError:
                break
            if f["type"] not in ("message.new", "message.edit"):
                continue
            m = f["data"]
            if answer_id is None and m.get("kind") == "agent" and (m.get("reply_to") or {}).get("id") == reply_to:
                answer_id = m["id"]
            if m["id"] != answer_id:
                continue
            frames.append(f)
            if m.get("streaming") is False:
                break
        return frames


def post(s, token, room, body, txn):
    status, _, msg = s.request("POST", "/api/rooms/%s/messages" % room, {"txn_id": txn, "body": body}, token=token)
    assert status == 201, (status, msg)
    return msg


def audits(s, admin, action="agent.invoke"):
    _, _, body = s.request("GET", "/api/admin/audit?action=" + action, token=admin)
    return body["entries"]


def admin_agents(s, admin, member, other_admin):
    ok, _, agent = s.request("POST", "/api/admin/agents",
                             {"handle": "architect", "display_name": "Architect",
                              "description": "Reviews designs", "system_prompt": "You are a careful architect.",
                              "model": "tiny"}, token=admin)
    check(ok == 201 and agent["kind"] == "agent" and agent["handle"] == "architect"
          and agent["description"] == "Reviews designs" and agent["system_prompt"].startswith("You are")
          and agent["email"] is None,
          "a tenant admin creates an agent: 201, kind agent, handle, description (%d)" % ok)
    status, _, body = s.request("POST", "/api/admin/agents", {"handle": "tester", "display_name": "T"}, token=member)
    check(status == 403, "a member may not create agents (%d)" % status)
    status, _, _ = s.request("GET", "/api/admin/agents", token=member)
    check(status == 403, "nor list them (%d)" % status)
    bad = [
        ({"handle": "Architect2", "display_name": "X"}, "an upper-case handle"),
        ({"handle": "a b", "display_name": "X"}, "a handle with a space"),
        ({"handle": "-x", "display_name": "X"}, "a handle starting with a dash"),
        ({"handle": "x" * 33, "display_name": "X"}, "a handle of 33 characters"),
        ({"handle": "room", "display_name": "X"}, "the handle “room”"),
        ({"handle": "ok", "display_name": ""}, "an empty name"),
        ({"handle": "ok", "display_name": "X", "description": "d" * 301}, "a description of 301 characters"),
        ({"handle": "ok", "display_name": "X", "system_prompt": "p" * 8001}, "a system prompt of 8001 characters"),
        ({"handle": "ok", "display_name": "X", "model": 3}, "a model that is not a string"),
        ({"display_name": "X"}, "no handle"),
    ]
    for body, what in bad:
        status, _, _ = s.request("POST", "/api/admin/agents", body, token=admin)
        check(status == 400, "%s is refused with 400 (%d)" % (what, status))
    status, _, _ = s.request("POST", "/api/admin/agents", {"handle": "architect", "display_name": "Again"}, token=admin)
    check(status == 409, "a handle taken by an agent is refused (%d)" % status)
    status, _, _ = s.request("POST", "/api/admin/agents", {"handle": "bob", "display_name": "Bob bot"}, token=admin)
    check(status == 409, "and one a person is mentioned by (bob@) too (%d)" % status)
    _, _, listed = s.request("GET", "/api/admin/agents", token=admin)
    check([a["handle"] for a in listed["agents"]] == ["architect"], "bad input created nothing: one agent listed")

    status, _, patched = s.request("PATCH", "/api/admin/agents/" + agent["id"],
                                   {"description": "Reviews designs and plans", "model": ""}, token=admin)
    check(status == 200 and patched["description"] == "Reviews designs and plans" and patched["model"] is None
          and patched["handle"] == "architect", "PATCH changes the given fields only (%d)" % status)
    status, _, _ = s.request("PATCH", "/api/admin/agents/" + agent["id"], {"handle": "Bad Handle"}, token=admin)
    check(status == 400, "PATCH with a bad handle is 400 (%d)" % status)
    status, _, _ = s.request("PATCH", "/api/admin/agents/" + agent["id"], {"display_name": "X"}, token=member)
    check(status == 403, "a member may not edit an agent (%d)" % status)
    for method, body in (("PATCH", {"display_name": "Mine"}), ("DELETE", None)):
        status, _, _ = s.request(method, "/api/admin/agents/" + agent["id"], body, token=other_admin)
        check(status == 404, "another tenant's admin gets 404 for %s (%d)" % (method, status))
    _, _, users = s.request("GET", "/api/users", token=member)
    kinds = {u["display_name"]: u["kind"] for u in users["users"]}
    check(kinds.get("Architect") == "agent" and kinds.get("Bob") == "person",
          "GET /api/users lists the agent with kind agent, people with kind person")
    s.request("POST", "/api/admin/agents", {"handle": "qa-bot", "display_name": "Tess"}, token=admin)
    _, _, found = s.request("GET", "/api/users?q=qa-b", token=member)
    check([u["display_name"] for u in found["users"]] == ["Tess"] and found["users"][0]["handle"] == "qa-bot",
          "and finds an agent by its handle (for @ completion)")
    return agent


async def invocations(s, ep, admin, bob, agent, room, other_room):
    aid = agent["id"]
    # Something said elsewhere must never reach the endpoint.
    post(s, admin, other_room, "SECRET-OTHER-ROOM plans", "o1")
    post(s, bob, room, "We need a cache in front of the API.", "c1")

    # The answer streams: empty message.new, growing edits, the end.
    ep.mode = "stream"
    async with Socket(s.port, bob) as ws:
        n0 = ep.count()
        q = post(s, admin, room, "@architect which cache would you use?", "q1")
        frames = await ws.answer(q["id"])
    check(ep.count() == n0 + 1, "one mention, one request to the endpoint")
    req = ep.last()
    body = req["body"]
    msgs = body["messages"]
    check(req["path"] == "/v1/chat/completions" and body["stream"] is True and body["model"] == "tiny-model",
          "POST /v1/chat/completions with stream: true and the configured model")
    check(req["headers"].get("Authorization") == "Bearer sk-test-123",
          "the API key from api_key_file goes in the Authorization header")
    check(msgs[0]["role"] == "system" and "You are a careful architect." in msgs[0]["content"]
          and "Design" in msgs[0]["content"], "the system turn holds the agent's prompt and the room's name")
    check("crm.deal D-42 (ACME renewal)" in msgs[0]["content"], "and the room's business context")
    check(msgs[-1] == {"role": "user", "content": "Admin: @architect which cache would you use?"},
          "the mentioning message is last, a user turn prefixed with the sender's name")
    check({"role": "user", "content": "Bob: We need a cache in front of the API."} in msgs,
          "earlier messages of the room are user turns with their sender's name")
    check(all("SECRET-OTHER-ROOM" not in m["content"] for m in msgs), "nothing from another room is sent")

    first = frames[0]
    check(first["type"] == "message.new" and first["data"]["kind"] == "agent" and first["data"]["body"] == ""
          and first["data"]["streaming"] is True and first["data"]["sender"]["id"] == aid
          and first["data"]["sender"]["kind"] == "agent",
          "the answer appears at once: message.new, kind agent, from the agent, empty, streaming")
    edits = frames[1:]
    bodies = [f["data"]["body"] for f in edits]
    check(len(edits) >= 2 and all(f["type"] == "message.edit" for f in edits),
          "it grows through message.edit events (%d of them)" % len(edits))
    check(all(bodies[i + 1].startswith(bodies[i]) for i in range(len(bodies) - 1)),
          "in order: each edit extends the one before")
    final = edits[-1]["data"]
    check(final["streaming"] is False and final["body"] == "Hello there, I am the architect."
          and "agent_error" not in final, "the last edit has streaming false and the whole answer")
    check(final["edited_at"] is None, "an answer that grew was not edited: edited_at stays null")
    check(all(f["data"]["streaming"] is True for f in edits[:-1]), "and only the last one says so")
    check(len(edits) <= len(ep.pieces) + 1, "edits are coalesced, never more than the pieces (%d)" % len(edits))

    # The agent's own answer is an assistant turn the next time.
    ep.mode = "quick"
    async with Socket(s.port, bob) as ws:
        q2 = post(s, admin, room, "@architect and for sessions?", "q2")
        await ws.answer(q2["id"])
    msgs = ep.last()["body"]["messages"]
    check({"role": "assistant", "content": "Hello there, I am the architect."} in msgs,
          "the agent's earlier answer is sent as an assistant turn")
    check(len(msgs) <= 1 + 5, "at most context_messages (5) messages besides the system turn (%d)" % (len(msgs) - 1))

    # The endpoint fails.
    ep.mode = "500"
    async with Socket(s.port, bob) as ws:
        q3 = post(s, admin, room, "@architect are you there?", "q3")
        frames = await ws.answer(q3["id"])
    final = frames[-1]["data"]
    check(final["streaming"] is False and "500" in final.get("agent_error", "")
          and final["body"].startswith("I could not answer"),
          "an endpoint answering 500 ends the answer with agent_error and a body saying so (%r)"
          % final.get("agent_error"))

    # The endpoint takes longer than timeout_seconds.
    ep.mode = "hang"
    async with Socket(s.port, bob) as ws:
        t = time.time()
        q4 = post(s, admin, room, "@architect think hard", "q4")
        frames = await ws.answer(q4["id"])
    final = frames[-1]["data"]
    check(final["streaming"] is False and "too long" in final.get("agent_error", ""),
          "an endpoint slower than timeout_seconds ends it with agent_error (%.1f s, %r)"
          % (time.time() - t, final))

    # A hostile endpoint sending one endless line.
    ep.mode = "flood"
    async with Socket(s.port, bob) as ws:
        q = post(s, admin, room, "@architect flood me", "f1")
        frames = await ws.answer(q["id"])
    final = frames[-1]["data"]
    check(final["streaming"] is False and "64 KiB" in final.get("agent_error", ""),
          "a line longer than 64 KiB ends the answer with agent_error (%r)" % final.get("agent_error"))

    # A mention deleted while the answer streams ends the stream.
    ep.mode = "slow"
    async with Socket(s.port, bob) as ws:
        q5 = post(s, admin, room, "@architect write me an essay", "q5")
        frames = await ws.answer(q5["id"], timeout=1.5)
        check(frames[-1]["type"] == "message.edit" and frames[-1]["data"]["streaming"] is True,
              "(a slow answer is streaming)")
        assert s.request("DELETE", "/api/messages/" + q5["id"], token=admin)[0] == 204
        rest = await ws.answer(None, answer_id=frames[0]["data"]["id"], timeout=5)
        check(rest and rest[-1]["data"]["streaming"] is False, "the end arrives as an edit, streaming false")
    _, _, page = s.request("GET", "/api/rooms/%s/messages?limit=3" % room, token=admin)
    ans = [m for m in page["messages"] if m["id"] == frames[0]["data"]["id"]][0]
    check(ans["streaming"] is False and "deleted" in ans.get("agent_error", "")
          and len(ans["body"]) < len("".join(ep.pieces * 4)),
          "deleting the mention ends the answer early, streaming false (%r)" % ans.get("agent_error"))

    # An agent that is not in the room is not asked.
    n0 = ep.count()
    q6 = post(s, admin, other_room, "@architect hello?", "q6")
    time.sleep(0.5)
    check(q6["mentions"] == [] and ep.count() == n0, "an agent not in the room: no mention resolved, no request")

    # Per person: invocations_per_minute = 7; Bob's eighth is refused.
    ep.mode = "quick"
    n0 = ep.count()
    async with Socket(s.port, admin) as ws:
        for i in range(7):
            q = post(s, bob, room, "@architect quick %d" % i, "b%d" % i)
            await ws.answer(q["id"])
        q = post(s, bob, room, "@architect one more", "b7")
        frames = await ws.answer(q["id"])
    final = frames[-1]["data"]
    check(ep.count() == n0 + 7, "seven invocations reach the endpoint (%d)" % (ep.count() - n0))
    check(final["streaming"] is False and "too often" in final.get("agent_error", "")
          and "too often" in final["body"], "the eighth is answered at once: asked too often")

    entries = audits(s, admin)
    by_status = {}
    for e in entries:
        by_status.setdefault(e["details"]["status"], []).append(e["details"])
    check(all(k in by_status for k in ("ok", "error", "timeout", "deleted", "rate_limited")),
          "agent.invoke is audited with each status (%s)" % sorted(by_status))
    d = by_status["ok"][-1]
    check(d["agent_id"] == aid and d["room_id"] == room and d["requested_by"] and d["prompt_tokens"] == 42
          and d["completion_tokens"] == 7 and d["tokens"] == "reported",
          "with agent_id, room_id, requested_by and the token counts the stream reported")
    d = by_status["error"][-1]
    check(d["tokens"] == "estimated" and d["prompt_tokens"] > 0, "or estimated when it reported none")


async def shutdown_and_crash(s, ep, admin, bob, room):
    # A server stopping mid-answer ends it, saying so.
    ep.mode = "slow"
    async with Socket(s.port, bob) as ws:
        q = post(s, admin, room, "@architect a long one please", "s1")
        frames = await ws.answer(q["id"], timeout=1.2)
    proc = s.proc
    s.stop()
    err = proc.stderr.read()
    check("sk-test-123" not in err, "the API key is never logged")
    s.start()
    _, _, page = s.request("GET", "/api/rooms/%s/messages?limit=2" % room, token=admin)
    ans = [m for m in page["messages"] if m["kind"] == "agent"][-1]
    check(ans["id"] == frames[0]["data"]["id"] and ans["streaming"] is False and "stopped" in ans.get("agent_error", ""),
          "a server stopped mid-answer ends it: streaming false, agent_error (%r)" % ans.get("agent_error"))

    # A crash leaves it streaming; the next start ends it.
    async with Socket(s.port, bob) as ws:
        q = post(s, admin, room, "@architect another long one", "s2")
        frames = await ws.answer(q["id"], timeout=1.2)
    s.proc.kill()
    s.proc.wait()
    s.proc = None
    s.start()
    # On a store several nodes share, the restarted node cannot tell its
    # own dead answer from another node's live one: the periodic sweep
    # ends it once it is older than any answer can last (timeout_seconds,
    # 3 here, plus a 10 s margin; a sweep every 10 s).
    shared = os.environ.get("CAUSERIE_TEST_STORAGE") == "postgresql"
    deadline = time.monotonic() + (40 if shared else 0)
    while True:
        _, _, page = s.request("GET", "/api/rooms/%s/messages?limit=2" % room, token=admin)
        ans = [m for m in page["messages"] if m["kind"] == "agent"][-1]
        if not ans["streaming"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    check(ans["id"] == frames[0]["data"]["id"] and ans["streaming"] is False
          and "interrupted" in ans.get("agent_error", ""),
          "after a crash, %s ends the answer: agent_error interrupted (%r)"
          % ("the sweep" if shared else "the next start", ans.get("agent_error")))


def setup_room(s, admin, bob, agent):
    _, _, room = s.request("POST", "/api/rooms",
                           {"type": "group", "name": "Design",
                            "context": {"entity_type": "crm.deal", "entity_id": "D-42", "label": "ACME renewal"}},
                           token=admin)
    _, _, other = s.request("POST", "/api/rooms", {"type": "group", "name": "Secret"}, token=admin)
    for uid in (agent["id"], bob_id(s, bob)):
        assert s.request("POST", "/api/rooms/%s/members" % room["id"], {"user_id": uid}, token=admin)[0] == 201
    return room["id"], other["id"]


def bob_id(s, bob):
    return s.request("GET", "/api/me", token=bob)[2]["id"]


def make_agent(s, admin):
    status, _, agent = s.request("POST", "/api/admin/agents",
                                 {"handle": "architect", "display_name": "Architect",
                                  "description": "Reviews designs", "system_prompt": "You are a careful architect."},
                                 token=admin)
    assert status == 201, agent
    return agent


def with_endpoint():
    ep = Endpoint()
    key_dir = cs_test.tempfile.mkdtemp(prefix="causerie-agents-key-")
    key = os.path.join(key_dir, "key")
    with open(key, "w") as f:
        f.write("sk-test-123\n")
    config = ("[agents]\nendpoint = http://127.0.0.1:%d/\nmodel = tiny-model\napi_key_file = %s\n"
              "timeout_seconds = 3\ninvocations_per_minute = 7\ncontext_messages = 5\n" % (ep.port, key))
    try:
        with cs_test.Server(config) as s:
            s.tenant("acme", ADMIN)
            s.user("acme", BOB, "Bob")
            admin = s.token("acme", ADMIN)
            bob = s.token("acme", BOB)
            agent = make_agent(s, admin)
            room, other = setup_room(s, admin, bob, agent)
            asyncio.run(invocations(s, ep, admin, bob, agent, room, other))
            asyncio.run(shutdown_and_crash(s, ep, admin, bob, room))
    finally:
        ep.close()
        cs_test.shutil.rmtree(key_dir, ignore_errors=True)


async def one_answer(s, admin, bob, room, txn):
    async with Socket(s.port, bob) as ws:
        q = post(s, admin, room, "@architect hello", txn)
        frames = await ws.answer(q["id"])
    return frames


def without_endpoint():
    with cs_test.Server("") as s:
        s.tenant("acme", ADMIN)
        s.user("acme", BOB, "Bob")
        admin = s.token("acme", ADMIN)
        bob = s.token("acme", BOB)
        agent = make_agent(s, admin)
        room, _ = setup_room(s, admin, bob, agent)
        frames = asyncio.run(one_answer(s, admin, bob, room, "n1"))
        final = frames[-1]["data"]
        check(len(frames) == 1 and final["streaming"] is False and "no language model" in final["body"],
              "without [agents] endpoint the agent answers at once that no model is configured")
        check(audits(s, admin)[0]["details"]["status"] == "no_model", "audited as no_model")
    port = cs_test.free_port()
    with cs_test.Server("[agents]\nendpoint = http://127.0.0.1:%d\n" % port) as s:
        s.tenant("acme", ADMIN)
        s.user("acme", BOB, "Bob")
        admin = s.token("acme", ADMIN)
        bob = s.token("acme", BOB)
        agent = make_agent(s, admin)
        room, _ = setup_room(s, admin, bob, agent)
        frames = asyncio.run(one_answer(s, admin, bob, room, "r1"))
        final = frames[-1]["data"]
        check(final["streaming"] is False and "could not be reached" in final.get("agent_error", ""),
              "an endpoint refusing connections ends the answer with agent_error (%r)" % final.get("agent_error"))


def bad_config():
    for text, what in (("[agents]\nendpoint = ftp://127.0.0.1:8080\n", "an endpoint that is not http(s)"),
                       ("[agents]\napi_key_file = /nonexistent/key\n", "an api_key_file that cannot be read"),
                       ("[agents]\ntimeout_seconds = 0\n", "a timeout of 0"),
                       ("[agents]\nendpont = http://127.0.0.1:1\n", "an unknown key")):
        try:
            cs_test.Server(text).close()
            started = True
        except RuntimeError:
            started = False
        check(not started, "the server refuses to start with %s" % what)


def main():
    t0 = time.time()
    with cs_test.Server("") as s:
        s.tenant("acme", ADMIN)
        s.user("acme", BOB, "Bob")
        s.tenant("other", "oz@example.com")
        admin = s.token("acme", ADMIN)
        bob = s.token("acme", BOB)
        other_admin = s.token("other", "oz@example.com")
        agent = admin_agents(s, admin, bob, other_admin)

        status, _, _ = s.login("acme", "architect")
        check(status in (400, 401), "an agent cannot sign in (%d)" % status)

        _, _, room = s.request("POST", "/api/rooms", {"type": "group", "name": "Design"}, token=admin)
        status, _, _ = s.request("POST", "/api/rooms/%s/members" % room["id"], {"user_id": agent["id"]}, token=admin)
        check(status in (200, 201, 204), "an agent is added to a room like a person (%d)" % status)
        _, _, members = s.request("GET", "/api/rooms/%s/members" % room["id"], token=admin)
        found = [m for m in members["members"] if m["user"]["id"] == agent["id"]]
        check(found and found[0]["user"]["kind"] == "agent" and found[0]["user"]["handle"] == "architect",
              "and is in its member list with kind and handle")
        status, _, msg = s.request("POST", "/api/rooms/%s/messages" % room["id"],
                                   {"txn_id": "t1", "body": "@architect what do you think?"}, token=admin)
        check(status == 201 and msg["mentions"] == [{"type": "agent", "id": agent["id"], "start": 0, "end": 10}],
              "a mention of its handle resolves to the agent, type agent (%s)" % msg["mentions"])

        async def delete_seen():
            async with Socket(s.port, bob) as ws:
                status, _, _ = s.request("DELETE", "/api/admin/agents/" + agent["id"], token=admin)
                while True:
                    f = json.loads(await asyncio.wait_for(ws.ws.recv(), 10))
                    if f["type"] == "member.remove":
                        return status, f

        s.request("POST", "/api/rooms/%s/members" % room["id"], {"user_id": bob_id(s, bob)}, token=admin)
        status, frame = asyncio.run(delete_seen())
        check(status == 204, "a tenant admin removes the agent (%d)" % status)
        check(frame["room_id"] == room["id"] and frame["data"]["user_id"] == agent["id"],
              "the room's members are told: member.remove")
        _, _, listed = s.request("GET", "/api/admin/agents", token=admin)
        check(all(a["id"] != agent["id"] for a in listed["agents"]), "it is no longer listed")
        _, _, members = s.request("GET", "/api/rooms/%s/members" % room["id"], token=admin)
        check(all(m["user"]["id"] != agent["id"] for m in members["members"]), "nor a member of its rooms")
        _, _, audit = s.request("GET", "/api/admin/audit", token=admin)
        actions = [e["action"] for e in audit["entries"]]
        check(all(a in actions for a in ("agent.create", "agent.update", "agent.delete")),
              "create, edit and delete are audited (%s)" % [a for a in actions if a.startswith("agent")])
    print("took %.1f s" % (time.time() - t0))
    bad_config()
    t0 = time.time()
    without_endpoint()
    print("took %.1f s" % (time.time() - t0))
    t0 = time.time()
    with_endpoint()
    print("took %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()

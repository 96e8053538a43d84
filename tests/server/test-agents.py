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
    return agent


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

        status, _, _ = s.request("DELETE", "/api/admin/agents/" + agent["id"], token=admin)
        check(status == 204, "a tenant admin removes the agent (%d)" % status)
        _, _, listed = s.request("GET", "/api/admin/agents", token=admin)
        check(listed["agents"] == [], "it is no longer listed")
        _, _, members = s.request("GET", "/api/rooms/%s/members" % room["id"], token=admin)
        check(all(m["user"]["id"] != agent["id"] for m in members["members"]), "nor a member of its rooms")
        _, _, audit = s.request("GET", "/api/admin/audit", token=admin)
        actions = [e["action"] for e in audit["entries"]]
        check(all(a in actions for a in ("agent.create", "agent.update", "agent.delete")),
              "create, edit and delete are audited (%s)" % [a for a in actions if a.startswith("agent")])
    print("took %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()

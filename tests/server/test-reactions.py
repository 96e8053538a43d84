#!/usr/bin/python3
# test-reactions.py: reactions on messages (PUT/DELETE
# /api/messages/{id}/reactions/{emoji}) and read times (the receipt event's
# read_at, GET /api/rooms/{id}/receipts) against the real server.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import json
import os
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

ADMIN = "ada@example.com"
BOB = "bob@example.com"
CAROL = "carol@example.com"
THUMBS = "\U0001F44D"
HEART = "\u2764\ufe0f"
PARTY = "\U0001F389"


def path(message_id, emoji_bytes):
    return "/api/messages/%s/reactions/%s" % (message_id, quote(emoji_bytes, safe=""))


def react(s, token, message_id, emoji, method="PUT"):
    status, _, body = s.request(method, path(message_id, emoji.encode() if isinstance(emoji, str) else emoji),
                                token=token)
    return status, body


def message(s, token, room, message_id):
    _, _, page = s.request("GET", "/api/rooms/%s/messages?limit=100" % room, token=token)
    return [m for m in page["messages"] if m["id"] == message_id][0]


def me(s, token):
    return s.request("GET", "/api/me", token=token)[2]["id"]


async def frames_of(port, token, since, types, until):
    """Frames of @types from a sync after @since, until @until(frames)."""
    async with websockets.connect("ws://127.0.0.1:%d/api/ws" % port,
                                  extra_headers={"Authorization": "Bearer " + token}) as ws:
        json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "sync", "since": since}))
        got = []
        while not until(got):
            f = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if f["type"] in types:
                got.append(f)
        return got


async def live(s, watcher, action, types, n):
    """Runs @action while @watcher's socket is open; the first @n frames of @types."""
    async with websockets.connect("ws://127.0.0.1:%d/api/ws" % s.port,
                                  extra_headers={"Authorization": "Bearer " + watcher}) as ws:
        ready = json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "sync", "since": ready["seq"]}))
        while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "synced":
            pass
        await asyncio.get_running_loop().run_in_executor(None, action)
        got = []
        while len(got) < n:
            f = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if f["type"] in types:
                got.append(f)
        return got


def reactions(s):
    s.tenant("acme", ADMIN)
    s.user("acme", BOB, "Bob")
    s.user("acme", CAROL, "Carol")
    s.tenant("other", "oz@example.com")
    ada = s.token("acme", ADMIN)
    bob = s.token("acme", BOB)
    carol = s.token("acme", CAROL)
    oz = s.token("other", "oz@example.com")
    ada_id, bob_id = me(s, ada), me(s, bob)

    _, _, room = s.request("POST", "/api/rooms", {"type": "group", "name": "Design", "member_ids": [bob_id]},
                           token=ada)
    room = room["id"]
    _, _, msg = s.request("POST", "/api/rooms/%s/messages" % room, {"txn_id": "r1", "body": "Ship it?"}, token=ada)
    mid = msg["id"]
    check(msg["reactions"] == [], "a new message has reactions: [] (%r)" % msg.get("reactions"))
    _, _, head = s.request("GET", "/api/rooms/%s/messages?limit=1" % room, token=ada)
    before = head["messages"][0]["seq"]

    # Bob's socket sees Ada's reaction live.
    got = asyncio.run(live(s, bob, lambda: check(react(s, ada, mid, THUMBS)[0] == 204, "PUT a reaction: 204"),
                           ("message.reaction",), 1))
    d = got[0]["data"]
    check(got[0]["room_id"] == room and got[0]["seq"] > before and
          d == {"message_id": mid, "emoji": THUMBS, "user_id": ada_id, "added": True},
          "another member gets message.reaction {message_id, emoji, user_id, added} live (%r)" % got[0])

    status, _ = react(s, ada, mid, THUMBS)
    check(status == 204, "PUT again is a no-op: 204")
    check(react(s, bob, mid, HEART)[0] == 204 and react(s, bob, mid, THUMBS)[0] == 204, "Bob adds two")
    m = message(s, ada, room, mid)
    check(m["reactions"] == [{"emoji": THUMBS, "count": 2, "user_ids": [ada_id, bob_id]},
                             {"emoji": HEART, "count": 1, "user_ids": [bob_id]}],
          "the message carries reactions ordered by first use, with counts and user_ids (%r)" % m["reactions"])

    # Sync replays them, once each: the repeated PUT stored no event.
    got = asyncio.run(frames_of(s.port, carol if False else bob, before, ("message.reaction",), lambda g: len(g) >= 3))
    check([(f["data"]["user_id"], f["data"]["emoji"]) for f in got] ==
          [(ada_id, THUMBS), (bob_id, HEART), (bob_id, THUMBS)],
          "sync replays each change once, in order (no event for the repeated PUT)")

    # Removing.
    check(react(s, bob, mid, HEART, "DELETE")[0] == 204, "DELETE a reaction: 204")
    check(react(s, bob, mid, HEART, "DELETE")[0] == 204, "DELETE again: 204")
    m = message(s, bob, room, mid)
    check(m["reactions"] == [{"emoji": THUMBS, "count": 2, "user_ids": [ada_id, bob_id]}],
          "the emoji nobody uses any more is gone (%r)" % m["reactions"])
    got = asyncio.run(frames_of(s.port, ada, before, ("message.reaction",), lambda g: len(g) >= 4))
    check(got[3]["data"] == {"message_id": mid, "emoji": HEART, "user_id": bob_id, "added": False},
          "a removal is message.reaction with added false")

    # Who may not: a non-member, another tenant, a message that is not there.
    check(react(s, carol, mid, PARTY)[0] == 404, "a member of the tenant not in the room: 404")
    check(react(s, carol, mid, THUMBS, "DELETE")[0] == 404, "and DELETE: 404")
    check(react(s, oz, mid, PARTY)[0] == 404, "another tenant: 404")
    check(react(s, oz, mid, THUMBS, "DELETE")[0] == 404, "another tenant, DELETE: 404")
    check(react(s, ada, "no-such-message", PARTY)[0] == 404, "an unknown message: 404")
    check(message(s, ada, room, mid)["reactions"][0]["count"] == 2, "none of those changed anything")

    # Bad input: 400 with a sentence, nothing stored.
    bad = {
        "two emoji": (THUMBS + THUMBS).encode(),
        "text": b"ok",
        "a letter": b"a",
        "invalid UTF-8": b"\xc3\x28",
        "a cut code point": b"\xf0\x9f\x91",
        "an emoji and a space": (THUMBS + " ").encode(),
        "too long (one ZWJ cluster of 39 bytes)": "\u200d".join(["\U0001F468"] * 8).encode()[:39],
        "more than 32 bytes": "\u200d".join(["\U0001F468"] * 8).encode(),
    }
    for what, raw in bad.items():
        status, body = react(s, ada, mid, raw)
        check(status == 400 and isinstance(body, dict) and body["error"]["code"] == "bad_request"
              and body["error"]["message"],
              "%s is refused: 400 with a sentence (%d %r)" % (what, status, body))
    # libsoup itself refuses a path with an escaped NUL (400, no body).
    check(react(s, ada, mid, b"\x00")[0] == 400, "an escaped NUL: 400")
    status, _, body = s.request("PUT", "/api/messages/%s/reactions/%%ZZ" % mid, token=ada)
    check(status == 400, "a broken escape: 400 (%d)" % status)
    check(len(message(s, ada, room, mid)["reactions"]) == 1, "bad input stored nothing")
    ok = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    check(react(s, ada, mid, ok)[0] == 204 and react(s, ada, mid, "\U0001F1EB\U0001F1F7")[0] == 204,
          "a ZWJ family and a flag are one emoji each")

    # 20 distinct at most.
    _, _, msg2 = s.request("POST", "/api/rooms/%s/messages" % room, {"txn_id": "r2", "body": "Vote"}, token=ada)
    emoji = [chr(0x1F600 + i) for i in range(21)]
    for e in emoji[:20]:
        assert react(s, ada, msg2["id"], e)[0] == 204
    status, body = react(s, bob, msg2["id"], emoji[20])
    check(status == 400 and "20" in body["error"]["message"], "a 21st distinct emoji: 400 (%r)" % body)
    check(react(s, bob, msg2["id"], emoji[0])[0] == 204, "one already there can still be added by another")
    m = message(s, bob, room, msg2["id"])
    check(len(m["reactions"]) == 20 and m["reactions"][0] == {"emoji": emoji[0], "count": 2,
                                                              "user_ids": [ada_id, bob_id]},
          "20 emoji on the message, in the order first used")

    # A deleted message takes none, and shows none.
    assert s.request("DELETE", "/api/messages/" + mid, token=ada)[0] == 204
    status, body = react(s, bob, mid, PARTY)
    check(status == 409, "a deleted message takes no reaction: 409 (%d %r)" % (status, body))
    check(message(s, bob, room, mid)["reactions"] == [], "and lists none")
    return ada, bob, carol, oz, room, ada_id, bob_id


def read_times(s, ada, bob, carol, oz, room, ada_id, bob_id):
    _, _, m1 = s.request("POST", "/api/rooms/%s/messages" % room, {"txn_id": "t1", "body": "one"}, token=ada)
    _, _, m2 = s.request("POST", "/api/rooms/%s/messages" % room, {"txn_id": "t2", "body": "two"}, token=ada)
    t0 = time.time()

    got = asyncio.run(live(s, ada, lambda: s.request("POST", "/api/rooms/%s/read" % room,
                                                     {"up_to_seq": m1["seq"]}, token=bob),
                           ("receipt",), 1))
    d = got[0]["data"]
    check(d["user_id"] == bob_id and d["last_read_seq"] == m1["seq"] and
          d["read_at"].endswith("Z") and len(d["read_at"]) == 24,
          "the receipt event carries read_at, an RFC 3339 time (%r)" % d)
    time.sleep(1.1)  # the second move must be at a later millisecond (ordering, not a threshold)
    s.request("POST", "/api/rooms/%s/read" % room, {"up_to_seq": m2["seq"]}, token=bob)

    _, _, r = s.request("GET", "/api/rooms/%s/receipts?seq=%d" % (room, m1["seq"]), token=ada)
    rows = {x["user_id"]: x for x in r["receipts"]}
    check(bob_id in rows and rows[bob_id]["read_at"] == d["read_at"] and rows[bob_id]["display_name"] == "Bob",
          "who read message 1 and when: Bob at his first move, not his latest (%r)" % r)
    _, _, r2 = s.request("GET", "/api/rooms/%s/receipts?seq=%d" % (room, m2["seq"]), token=ada)
    later = {x["user_id"]: x for x in r2["receipts"]}[bob_id]["read_at"]
    check(later > d["read_at"], "message 2 was read later (%s > %s)" % (later, d["read_at"]))
    _, _, r3 = s.request("GET", "/api/rooms/%s/receipts" % room, token=ada)
    now = {x["user_id"]: x for x in r3["receipts"]}
    check(now[bob_id]["last_read_seq"] == m2["seq"] and now[bob_id]["read_at"] == later and
          set(now) == {ada_id, bob_id},
          "without seq: every member's watermark and its latest move")
    _, _, r4 = s.request("GET", "/api/rooms/%s/receipts?seq=%d" % (room, m2["seq"] + 1000), token=ada)
    check(r4["receipts"] == [], "nobody read past the end")
    check(s.request("GET", "/api/rooms/%s/receipts" % room, token=carol)[0] == 404, "a non-member: 404")
    check(s.request("GET", "/api/rooms/%s/receipts" % room, token=oz)[0] == 404, "another tenant: 404")
    check(s.request("GET", "/api/rooms/%s/receipts?seq=x" % room, token=ada)[0] == 400, "a bad seq: 400")
    _, _, members = s.request("GET", "/api/rooms/%s/members" % room, token=ada)
    check(all("last_read_seq" in m for m in members["members"]), "the member list is as before")
    del t0


def main():
    with cs_test.Server("") as s:
        args = reactions(s)
        read_times(s, *args)
        # A restart keeps both.
        s.stop()
        s.start()
        ada = s.token("acme", ADMIN)
        _, _, rooms = s.request("GET", "/api/rooms", token=ada)
        room = [r for r in rooms["rooms"] if r["name"] == "Design"][0]["id"]
        _, _, page = s.request("GET", "/api/rooms/%s/messages" % room, token=ada)
        check(any(len(m["reactions"]) == 20 for m in page["messages"]), "reactions survive a restart")


if __name__ == "__main__":
    main()

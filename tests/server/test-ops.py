#!/usr/bin/python3
# test-ops.py: the operator's tools against the real causerie-server on
# real files: backup of a live server under write load and restore into
# another data directory (every message, attachment, account and session
# served again; a client that had synced further reloads once, and no seq
# is given twice); user list|disable|enable|reset-password|delete and
# tenant list beside a running server; [audit] keep_days pruning; the
# access log.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

PW = cs_test.PASSWORD


def png(width, height):
    """A real PNG (an RGB gradient), so the server sniffs it and makes a thumbnail."""
    raw = b"".join(b"\0" + bytes(v for x in range(width) for v in (x * 7 % 256, y * 5 % 256, (x + y) % 256))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def run(s, *args, stdin=""):
    return subprocess.run([cs_test.binary(), "--data-dir", s.data, "--config", s.config_path] + list(args),
                          input=stdin, capture_output=True, text=True, timeout=120)


def upload(s, token, room_id, data, name):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=20)
    try:
        conn.request("POST", "/api/rooms/%s/attachments" % room_id, body=data,
                     headers={"Authorization": "Bearer " + token, "Content-Type": "image/png",
                              "Content-Disposition": "attachment; filename*=UTF-8''%s" % name})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def get_bytes(s, token, path):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=20)
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def all_messages(s, token, room_id):
    out, after = [], 0
    while True:
        st, _, body = s.request("GET", "/api/rooms/%s/messages?after=%d&limit=100" % (room_id, after), token=token)
        assert st == 200, (st, body)
        out += body["messages"]
        if not body["has_more"] or not body["messages"]:
            return out
        after = body["messages"][-1]["seq"]


async def first_frames(port, token, since=None, until=("synced", "resync_required", "ready"), n=3):
    url = "ws://127.0.0.1:%d/api/ws" % port + ("?since=%d" % since if since is not None else "")
    frames = []
    async with websockets.connect(url, extra_headers={"Authorization": "Bearer " + token}) as ws:
        while len(frames) < n:
            f = json.loads(await asyncio.wait_for(ws.recv(), 20))
            frames.append(f)
            if f["type"] in until and f["type"] != "ready":
                break
            if since is None and f["type"] == "ready":
                break
    return frames


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backup_restore():
    a = cs_test.Server("[limits]\nmessages_per_minute=0\n")
    b = None
    tmp = tempfile.mkdtemp(prefix="causerie-backup-")
    try:
        a.tenant("Acme", "admin@acme.test")
        a.user("Acme", "bob@acme.test", "Bob")
        admin = a.token("Acme", "admin@acme.test")
        bob = a.token("Acme", "bob@acme.test")
        st, _, room = a.request("POST", "/api/rooms", {"type": "channel", "name": "general"}, token=admin)
        check(st == 201, "a channel is created")
        st, _, _ = a.request("POST", "/api/rooms/%s/join" % room["id"], {}, token=bob)
        check(st in (200, 201, 204), "Bob joins it")
        picture = png(400, 300)
        st, att = upload(a, admin, room["id"], picture, "picture.png")
        check(st == 201, "an image is uploaded")
        st, _, with_att = a.request("POST", "/api/rooms/%s/messages" % room["id"],
                                    {"txn_id": "att", "body": "a picture", "attachment_ids": [att["id"]]},
                                    token=admin)
        check(st == 201, "a message carries it")

        # Write load while the backup runs: a writer that never pauses.
        acked = []
        errors = []
        stop = threading.Event()
        started = threading.Event()

        def writer():
            i = 0
            while not stop.is_set():
                st, _, m = a.request("POST", "/api/rooms/%s/messages" % room["id"],
                                     {"txn_id": "load-%d" % i, "body": "load %d" % i}, token=bob)
                if st != 201:
                    errors.append((st, m))
                    break
                acked.append((time.monotonic(), m["id"]))
                i += 1
                if i == 20:
                    started.set()
        t = threading.Thread(target=writer)
        t.start()
        started.wait(60)
        dest = os.path.join(tmp, "backup")
        backup_started = time.monotonic()
        r = run(a, "backup", dest)
        backup_ended = time.monotonic()
        check(r.returncode == 0, "backup of a server under write load succeeds: " + r.stdout + r.stderr)
        # The writer goes on after the backup, however slow the machine.
        acked_by_end = len(acked)
        deadline = time.monotonic() + 60
        while len(acked) <= acked_by_end and not errors and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        t.join()
        print(r.stdout, end="")
        check(not errors, "every write during the backup succeeded: %s" % errors[:1])
        before = [mid for at, mid in acked if at < backup_started]
        during = [mid for at, mid in acked if backup_started <= at <= backup_ended]
        check(len(before) >= 20 and len(acked) > len(before), "messages were acknowledged before and after the "
              "backup started (%d before, %d during, %d in all)" % (len(before), len(during), len(acked)))
        check("integrity checked" in r.stdout and "1 attachments" in r.stdout and "seal.key" in r.stdout,
              "backup says what it copied")
        check(mode(dest) == 0o700 and mode(os.path.join(dest, "attachments")) == 0o700, "backup directories are 0700")
        for name in ["causerie.db", "seal.key", "MANIFEST", os.path.join("attachments", att["id"])]:
            check(mode(os.path.join(dest, name)) == 0o600, "%s in the backup is 0600" % name)
        if att.get("has_thumbnail"):
            check(os.path.exists(os.path.join(dest, "attachments", att["id"] + ".thumb")), "the thumbnail is backed up")
        check(not os.path.exists(os.path.join(dest, "server.lock")), "the server's lock is not copied")

        r = run(a, "backup", dest)
        check(r.returncode != 0 and "--overwrite" in r.stderr, "a second backup into the same directory is refused")
        r = run(a, "restore", dest)
        check(r.returncode != 0 and "not empty" in r.stderr, "restore into the live data directory is refused")

        # A client that synced further than the backup: its seq after more writes.
        st, _, m = a.request("POST", "/api/rooms/%s/messages" % room["id"], {"txn_id": "late", "body": "after"},
                             token=bob)
        old_seq = m["seq"]
        a.stop()

        # A damaged or incomplete backup is refused.
        broken = os.path.join(tmp, "broken")
        shutil.copytree(dest, broken)
        os.unlink(os.path.join(broken, "MANIFEST"))
        b = cs_test.Server("[limits]\nmessages_per_minute=0\n")
        b.stop()
        shutil.rmtree(b.data)
        r = run(b, "restore", broken)
        check(r.returncode != 0 and "not a complete" in r.stderr and not os.path.exists(b.data),
              "a backup without its MANIFEST is refused, nothing created")
        shutil.copy(os.path.join(dest, "MANIFEST"), broken)
        with open(os.path.join(broken, "causerie.db"), "r+b") as f:
            # Every b-tree page but the first: headers and cell pointers garbled.
            size = os.path.getsize(os.path.join(broken, "causerie.db"))
            for page in range(1, size // 4096):
                f.seek(page * 4096)
                f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
        r = run(b, "restore", broken)
        check(r.returncode != 0 and "not a sound database" in r.stderr and not os.path.exists(b.data),
              "a damaged database is refused by its integrity check: " + r.stdout + r.stderr.strip()[-300:])

        r = run(b, "restore", dest)
        check(r.returncode == 0, "restore into a new data directory: " + r.stdout + r.stderr)
        print(r.stdout, end="")
        check(mode(b.data) == 0o700 and mode(os.path.join(b.data, "causerie.db")) == 0o600 and
              mode(os.path.join(b.data, "seal.key")) == 0o600, "restored files are private")
        with open(os.path.join(dest, "seal.key"), "rb") as x, open(os.path.join(b.data, "seal.key"), "rb") as y:
            check(x.read() == y.read(), "the sealing key is the backed-up one")
        b.start()

        # Everything acknowledged before the backup began is served.
        st, _, me = b.request("GET", "/api/me", token=bob)
        check(st == 200 and me["email"] == "bob@acme.test", "a session from before the backup still works")
        msgs = all_messages(b, admin, room["id"])
        ids = {m["id"] for m in msgs}
        check(all(mid in ids for mid in before), "all %d messages acknowledged before the backup are served"
              % len(before))
        order = [mid for _, mid in acked]
        kept = [mid in ids for mid in order]
        n = kept.count(True)
        check(kept == [True] * n + [False] * (len(order) - n),
              "the backup is one moment of the writer's sequence: its first %d messages, none after" % n)
        check(with_att["id"] in ids, "the message with the picture is served")
        st, data = get_bytes(b, bob, "/api/attachments/%s" % att["id"])
        check(st == 200 and data == picture, "the attachment's bytes are served")
        if att.get("has_thumbnail"):
            st, data = get_bytes(b, bob, "/api/attachments/%s/thumbnail" % att["id"])
            check(st == 200 and data[:4] == b"\x89PNG", "its thumbnail is served")
        st, _, _ = b.login("Acme", "admin@acme.test")
        check(st == 200, "the administrator signs in with their password")

        # The client that had seen more than the backup holds reloads once.
        frames = asyncio.run(first_frames(b.port, bob, since=old_seq))
        check([f["type"] for f in frames][-1] == "resync_required",
              "a client that synced past the backup gets resync_required: %s" % [f["type"] for f in frames])
        frames = asyncio.run(first_frames(b.port, bob, since=0))
        check(frames[-1]["type"] == "resync_required", "every client reloads once after a restore")
        st, _, m = b.request("POST", "/api/rooms/%s/messages" % room["id"], {"txn_id": "new", "body": "restored"},
                             token=bob)
        check(st == 201 and m["seq"] > old_seq, "new messages get seqs no client saw before (%d > %d)"
              % (m["seq"], old_seq))
        frames = asyncio.run(first_frames(b.port, bob, since=m["seq"] - 1, n=4))
        types = [f["type"] for f in frames]
        check("message.new" in types and types[-1] == "synced", "after reloading, sync works again: %s" % types)
    finally:
        a.close()
        if b:
            b.close()
        shutil.rmtree(tmp, ignore_errors=True)


async def wait_closed(ws):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 30)
    except websockets.ConnectionClosed:
        return True
    except asyncio.TimeoutError:
        return False


def wait_status(s, token, want, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        st, _, _ = s.request("GET", "/api/me", token=token)
        if st == want or time.monotonic() > deadline:
            return st
        time.sleep(0.2)


def audit_actions(s, token):
    st, _, body = s.request("GET", "/api/admin/audit?limit=100", token=token)
    assert st == 200, (st, body)
    return body["entries"]


def test_users():
    with cs_test.Server("") as s:
        s.tenant("Acme", "admin@acme.test")
        s.user("Acme", "bob@acme.test", "Bob")
        s.tenant("Other", "root@other.test")
        admin = s.token("Acme", "admin@acme.test")
        bob = s.token("Acme", "bob@acme.test")

        r = run(s, "tenant", "list")
        check(r.returncode == 0 and "Acme" in r.stdout and "Other" in r.stdout, "tenant list names every organisation")
        r = run(s, "user", "list", "--tenant", "Acme")
        check(r.returncode == 0 and "bob@acme.test" in r.stdout and "root@other.test" not in r.stdout,
              "user list shows the organisation's accounts only")
        bob_line = [l for l in r.stdout.splitlines() if "bob@acme.test" in l][0]
        check("active" in bob_line and bob_line.split()[-1] == "1", "Bob is active with one session")
        r = run(s, "user", "list", "--tenant", "Nope")
        check(r.returncode != 0 and "no organisation named “Nope”" in r.stderr, "an unknown tenant is named")
        r = run(s, "user", "disable", "--tenant", "Acme", "carol@acme.test")
        check(r.returncode != 0 and "no account “carol@acme.test”" in r.stderr, "an unknown user is named")
        r = run(s, "user", "frobnicate", "--tenant", "Acme", "bob@acme.test")
        check(r.returncode != 0, "an unknown verb is refused")

        async def disable_while_connected():
            async with websockets.connect("ws://127.0.0.1:%d/api/ws" % s.port,
                                          extra_headers={"Authorization": "Bearer " + bob}) as ws:
                await ws.recv()
                r = await asyncio.to_thread(run, s, "user", "disable", "--tenant", "Acme", "bob@acme.test")
                check(r.returncode == 0 and "1 sessions revoked" in r.stdout, "disable beside a running server: "
                      + r.stdout + r.stderr)
                return await wait_closed(ws)
        check(asyncio.run(disable_while_connected()), "the disabled user's open WebSocket is closed")
        check(wait_status(s, bob, 401) == 401, "the running server refuses the disabled user's token")
        st, _, _ = s.login("Acme", "bob@acme.test")
        check(st == 401, "the disabled user cannot sign in")
        r = run(s, "user", "list", "--tenant", "Acme")
        check("disabled" in [l for l in r.stdout.splitlines() if "bob@acme.test" in l][0], "user list says disabled")

        r = run(s, "user", "enable", "--tenant", "Acme", "bob@acme.test")
        check(r.returncode == 0, "enable")
        bob = s.token("Acme", "bob@acme.test")
        check(bool(bob), "an enabled user signs in with their old password")

        r = run(s, "user", "reset-password", "--tenant", "Acme", "bob@acme.test")
        check(r.returncode == 0 and "New password for bob@acme.test: " in r.stdout, "reset-password prints one")
        new = r.stdout.split("New password for bob@acme.test: ")[1].split()[0]
        check(len(new) >= 16, "the new password is long and random")
        check(wait_status(s, bob, 401) == 401, "the reset revokes the sessions on the running server")
        st, _, _ = s.login("Acme", "bob@acme.test")
        check(st == 401, "the old password no longer works")
        st, _, _ = s.login("Acme", "bob@acme.test", password=new)
        check(st == 200, "the printed password works")
        r = run(s, "user", "reset-password", "--tenant", "Acme", "bob@acme.test", "--stdin", stdin="short\n")
        check(r.returncode != 0 and "at least" in r.stderr, "a too short password from stdin is refused")
        st, _, _ = s.login("Acme", "bob@acme.test", password=new)
        check(st == 200, "... and changes nothing")
        r = run(s, "user", "reset-password", "--tenant", "Acme", "bob@acme.test", "--stdin",
                stdin="chosen by the operator\n")
        check(r.returncode == 0 and "chosen" not in r.stdout + r.stderr, "a password from stdin is never echoed")
        st, _, _ = s.login("Acme", "bob@acme.test", password="chosen by the operator")
        check(st == 200, "the password from stdin works")

        actions = [(e["action"], e.get("entity_type")) for e in audit_actions(s, admin)]
        for a in ["user.disable", "user.enable", "user.password_reset"]:
            check((a, "user") in actions, "%s is in the audit log" % a)

        r = run(s, "user", "delete", "--tenant", "Acme", "bob@acme.test")
        check(r.returncode != 0 and "stop it first" in r.stderr, "delete refuses to run beside a server")
        s.stop()
        r = run(s, "user", "delete", "--tenant", "Acme", "bob@acme.test")
        check(r.returncode == 0, "delete with the server stopped: " + r.stdout + r.stderr)
        r = run(s, "user", "list", "--tenant", "Acme")
        check("deleted" in r.stdout and "bob@acme.test" not in r.stdout, "the address is erased, the row says deleted")
        s.start()
        st, _, _ = s.login("Acme", "bob@acme.test", password="chosen by the operator")
        check(st == 401, "a deleted account cannot sign in")
        admin = s.token("Acme", "admin@acme.test")
        check(("account.delete", "user") in [(e["action"], e.get("entity_type")) for e in audit_actions(s, admin)],
              "the deletion is audited as account.delete, like DELETE /api/me")


def test_audit_prune():
    with cs_test.Server("[audit]\nkeep_days=30\n") as s:
        s.tenant("Acme", "admin@acme.test")
        s.stop()
        day = 86400 * 1000
        now = int(time.time() * 1000)
        # Behind the server's back, on either engine: one statement each.
        tenant_id = s.sql("SELECT id FROM tenants")[0][0]
        for first, count, action in [(now - 400 * day, 1200, "test.old"), (now - 40 * day, 1, "test.old"),
                                     (now - 10 * day, 5, "test.recent")]:
            s.sql("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                  "INSERT INTO audit (tenant_id, at, action) SELECT '%s', %d + i, '%s' FROM n"
                  % (count - 1, tenant_id, first, action))
        s.start()
        deadline = time.monotonic() + 60
        while True:
            old = int(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'test.old'")[0][0])
            recent = int(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'test.recent'")[0][0])
            if old == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check(old == 0, "1201 entries older than keep_days = 30 are pruned (in batches of 500)")
        check(recent == 5, "entries inside keep_days stay")
        st, _, _ = s.login("Acme", "admin@acme.test")
        check(st == 200, "the server kept serving")
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
        conf.write("[audit]\nkeep_days=0\n")
        conf.flush()
        r = subprocess.run([cs_test.binary(), "--config", conf.name, "tenant", "list"], capture_output=True, text=True)
    check(r.returncode != 0 and "keep_days" in r.stderr, "keep_days = 0 is refused by name")


def test_access_log():
    tmp = tempfile.mkdtemp(prefix="causerie-access-")
    path = os.path.join(tmp, "access.log")
    try:
        with cs_test.Server("[server]\naccess_log=%s\ntrusted_proxies=127.0.0.2/32\n" % path) as s:
            s.tenant("Acme", "admin@acme.test")
            token = s.token("Acme", "admin@acme.test")
            s.request("GET", "/api/me?token=QUERYSECRET", token=token, headers={"X-Forwarded-For": "198.51.100.1"})
            s.request("GET", "/api/invitations/INVITESECRET")
            s.request("POST", "/api/invitations/INVITESECRET2/accept", {})
            s.request("GET", "/invite/INVITESECRET3")
            s.request("GET", "/healthz", source="127.0.0.2", headers={"X-Forwarded-For": "203.0.113.9"})

            def lines():
                with open(path) as f:
                    return f.read().splitlines()
            deadline = time.monotonic() + 20
            while len(lines()) < 6 and time.monotonic() < deadline:
                time.sleep(0.1)
            text = "\n".join(lines())
            print(text)
            check(len(lines()) >= 6, "one line per request")
            for secret in ["SECRET", PW, token]:
                check(secret not in text, "no token, password or query in the log (%s...)" % secret[:6])
            me = [l for l in lines() if " /api/me " in l][0].split()
            check(len(me) == 7 and me[1] == "127.0.0.1" and me[2] == "GET" and me[4] == "200" and int(me[5]) > 0,
                  "time, address (X-Forwarded-For ignored from an untrusted peer), method, path, status, bytes, "
                  "duration")
            check(me[0].endswith("Z") and float(me[6]) >= 0, "the time is UTC and the duration in ms")
            check(any(l.split()[1] == "203.0.113.9" and " /healthz 200 " in l for l in lines()),
                  "behind a trusted proxy the client's address is logged")
            check(any(" POST /api/invitations/-/accept " in l for l in lines()) and
                  any(" GET /invite/- " in l for l in lines()), "invitation tokens in paths are redacted")
            check(any(" POST /api/auth/login 200 " in l for l in lines()), "sign-ins are logged, without the body")
            check(mode(path) & 0o007 == 0, "the log is not world-readable (client addresses)")
            os.rename(path, path + ".1")
            os.kill(s.pid, signal.SIGHUP)
            deadline = time.monotonic() + 20
            while not os.path.exists(path) and time.monotonic() < deadline:
                s.request("GET", "/healthz")
                time.sleep(0.1)
            check(os.path.exists(path), "SIGHUP reopens the log after it was moved (logrotate)")
            st, _, _ = s.request("GET", "/api/me", token=token)
            check(st == 200, "the server serves on after SIGHUP")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    only = sys.argv[1:]
    for test in [test_users, test_audit_prune, test_access_log, test_backup_restore]:
        if not only or test.__name__ in only:
            # backup and restore copy the SQLite file; on PostgreSQL they
            # refuse and pg_dump does their work (README, "With PostgreSQL").
            if cs_test.storage_is_postgresql() and test is test_backup_restore:
                print("# SKIP %s: SQLite only (backup copies the SQLite file)" % test.__name__, flush=True)
                continue
            test()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""ui-lines.py: what the server writes for people to read, as the app shows
it in English and in French (issue 11, defects 6 and 9).

Started by ui-e2e.sh inside a private X server and session bus. Over REST,
Alice creates the group "Roadmap" with Bruno, adds Chloé, makes Bruno an
admin, renames the room "Roadmap 2027" and removes Chloé: five system
lines. Bruno sends a message written two hours ago (its outbox waited:
`written_at`) and one written now. Alice's app shows the system lines
written from their data and Bruno's first message at the time it was
written. Bruno changes his status text: Alice's direct room with him shows
it without a reload. Alice's app then starts again in French: the system
lines are in French. Neither app run logs GTK's "Duplicate item detected
in list". Screenshots in English and French go to $CAUSERIE_ARTIFACTS.
"""
import datetime, os, subprocess, sys, time

import pyatspi

from e2e_common import (DATA, SERVER, TMP, URL, app_of, click, find, log, new_window, print_logs,
                        procs, session, shot, start_app, start_server, stop, wait_for)

WINDOWS = {}


def room_row(app, name):
    """The room's name in the room list (the leftmost label of that name:
    the conversation may show it as a sender too)."""
    def look():
        found = pyatspi.findAllDescendants(app, lambda n: n.getRoleName() == "label" and n.name == name)
        found = [n for n in found if n.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0]
        return min(found, key=lambda n: n.queryComponent().getExtents(pyatspi.WINDOW_COORDS).x) \
            if found else None
    return wait_for(look, f"room {name!r} in the list", 60, app)


def open_room(app, name):
    click(WINDOWS["alice"], room_row(app, name))
    wait_for(lambda: pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "text" and n.name in ("Message",)),
        f"the room {name}", 20, app)


def named(app, text, timeout=30):
    """A node whose accessible name is @text (a system line's row)."""
    return find(app, lambda n: n.name == text, f"{text!r}", timeout)


def named_end(app, text, timeout=30):
    return find(app, lambda n: (n.name or "").endswith(text), f"… {text!r}", timeout)


def shown_clock(written, now):
    """The time a message row shows for @written, as the app formats it
    with LANGUAGE=C: the clock, with the day when it is not today."""
    clock = written.strftime("%H:%M")
    if written.date() == now.date():
        return clock
    return f"Yesterday {clock}"


def no_duplicate_warnings(names):
    for name in names:
        path = os.path.join(TMP, f"{name}.log")
        text = open(path, errors="replace").read() if os.path.exists(path) else ""
        assert "Duplicate item detected" not in text, f"{name}'s log has GTK's duplicate item warning"


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    alice_s, alice_u = session("alice")
    bruno_s, bruno_u = session("bruno")
    chloe_s, chloe_u = session("chloe")

    room = alice_s.post(URL + "/api/rooms", json={"type": "group", "name": "Roadmap",
                                                   "member_ids": [bruno_u["id"]]}, timeout=10).json()
    rid = room["id"]
    alice_s.post(f"{URL}/api/rooms/{rid}/members", json={"user_id": chloe_u["id"]},
                 timeout=10).raise_for_status()
    alice_s.patch(f"{URL}/api/rooms/{rid}/members/{bruno_u['id']}", json={"role": "admin"},
                  timeout=10).raise_for_status()
    alice_s.patch(f"{URL}/api/rooms/{rid}", json={"name": "Roadmap 2027"}, timeout=10).raise_for_status()
    alice_s.delete(f"{URL}/api/rooms/{rid}/members/{chloe_u['id']}", timeout=10).raise_for_status()

    now = datetime.datetime.now().astimezone()
    written = now - datetime.timedelta(hours=2)
    stamp = written.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    bruno_s.post(f"{URL}/api/rooms/{rid}/messages",
                 json={"txn_id": "train-1", "body": "Written on the train", "written_at": stamp},
                 timeout=10).raise_for_status()
    bruno_s.post(f"{URL}/api/rooms/{rid}/messages", json={"txn_id": "desk-1", "body": "Back at my desk"},
                 timeout=10).raise_for_status()

    # English.
    p = start_app("alice")
    WINDOWS["alice"] = new_window([])
    alice = app_of(p.pid)
    open_room(alice, "Roadmap 2027")
    named(alice, "Alice Martin created the room “Roadmap”")
    named(alice, "Alice Martin added Chloé Durand")
    named(alice, "Alice Martin made Bruno Petit an admin")
    named(alice, "Alice Martin renamed the room to “Roadmap 2027”")
    named(alice, "Alice Martin removed Chloé Durand")
    log("the system lines, from their data")
    row = named_end(alice, ": Written on the train")
    expected = f"Bruno Petit, {shown_clock(written, now)}: Written on the train"
    assert row.name == expected, f"{row.name!r}, not {expected!r}: the time it was written"
    log(f"Bruno's message shows the time it was written: {row.name!r}")
    named_end(alice, ": Back at my desk")
    time.sleep(1)
    shot("lines-en-conversation.png")

    # A status text reaches the direct room's header at once.
    open_room(alice, "Bruno Petit")
    bruno_s.patch(URL + "/api/me", json={"status_text": "On the train"}, timeout=10).raise_for_status()
    find(alice, lambda n: n.getRoleName() == "label" and (n.name or "").startswith("On the train · "),
         "Bruno's status text in the header", 30)
    log("Bruno's status text shown live")
    shot("lines-en-status-live.png")

    # French.
    stop(p)
    del WINDOWS["alice"]
    p = start_app("alice", {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")})
    WINDOWS["alice"] = new_window([])
    alice = app_of(p.pid)
    click(WINDOWS["alice"], room_row(alice, "Roadmap 2027"))
    named(alice, "Alice Martin a créé le salon « Roadmap »")
    named(alice, "Alice Martin a ajouté Chloé Durand")
    named(alice, "Alice Martin a fait de Bruno Petit un administrateur")
    named(alice, "Alice Martin a renommé le salon en « Roadmap 2027 »")
    named(alice, "Alice Martin a retiré Chloé Durand")
    row = named_end(alice, ": Written on the train")
    assert written.strftime("%H:%M") in row.name, f"{row.name!r} does not show when it was written"
    log("the system lines in French")
    time.sleep(1)
    shot("lines-fr-conversation.png")

    no_duplicate_warnings(["alice"])
    print("ok: system lines in English and French, the written time, the status text live")


if __name__ == "__main__":
    status = 0
    try:
        main()
    except BaseException as e:
        status = 1
        print(f"FAIL: {e!r}", flush=True)
        shot("lines-failure.png")
        print_logs(["server", "alice"])
    finally:
        for p in reversed(list(procs)):
            stop(p)
    sys.exit(status)

#!/usr/bin/python3
"""ui-people.py: people in a room and presence, as two colleagues see them.

Started by ui-e2e.sh inside a private X server and session bus. Alice owns
the group "Launch" (with Chloé). Bruno, a plain member elsewhere, sees no
"Make Admin" for anyone. Alice opens the members list, "Add People…",
searches "Bru" and picks Bruno: Bruno's app shows the room at once. Alice
makes Bruno admin from his row; Bruno's own members list says "Admin"
live, and now offers him "Make Admin" for Chloé. Bruno leaves (with
confirmation) and the room leaves his list. Bruno's app quits: Alice's
direct room with him says "Last seen just now". Then Alice's app again in
French. Screenshots in English and French go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, sys, time

import pyatspi

from e2e_common import (DATA, SERVER, URL, app_of, click, find, label, log, new_window,
                        print_logs, procs, session, shot, start_app as start_app_of, start_server,
                        stop, visible_windows as windows, wait_for)

OFFSET = {"alice": 0, "bruno": 1060}
WINDOWS = {}
PIDS = {}


def showing(node):
    try:
        st = node.getState()
        return st.contains(pyatspi.STATE_VISIBLE) and \
            node.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0
    except Exception:
        return False


def actionable(node):
    try:
        return node.queryAction().nActions > 0
    except Exception:
        return False


def response(root, name, timeout=30):
    """A dialog's response button (mnemonic labels: "_Close Close"), not
    the window's own "Close"."""
    return find(root, lambda n: n.getRoleName() == "push button" and "_" in (n.name or "") and
                (n.name or "").replace("_", "") in (name, f"{name} {name}") and showing(n),
                f"response {name!r}", timeout)


def button(root, name, timeout=30):
    return find(root, lambda n: n.getRoleName() in ("push button", "toggle button") and
                (n.name or "").replace("_", "") in (name, f"{name} {name}") and showing(n) and
                actionable(n),
                f"button {name!r}", timeout)


def no_button(root, name):
    return pyatspi.findDescendant(root, lambda n: n.getRoleName() == "push button" and
                                  (n.name or "").replace("_", "") in (name, f"{name} {name}") and
                                  showing(n)) is None


def start_app(user, extra_env=None):
    gdb = ["gdb", "-batch", "-ex", "run", "-ex", "bt", "--args"] if os.environ.get("PEOPLE_GDB") == user else []
    return start_app_of(user, extra_env, gdb)


def press(node):
    node.queryAction().doAction(0)
    time.sleep(0.4)


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)
    time.sleep(0.3)


def open_room(user, app, name):
    row = label(app, name, 60)
    click(WINDOWS[user], row)
    wait_for(lambda: pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "text" and n.name in ("Message", "Message")),
        f"{user}'s room {name}", 20, app)


def members_popover(user, app, title="Members"):
    press(button(app, title))


def member_row(app, name):
    """The member's name label, in the open members popover."""
    return find(app, lambda n: n.getRoleName() == "label" and n.name == name and showing(n) and
                n.parent is not None and n.parent.parent is not None and
                pyatspi.findAncestor(n, lambda a: a.getRoleName() in ("list", "list box") and
                                     a.name in ("Members", "Membres")) is not None,
                f"member row {name!r}")


def open_member(app, name):
    """Presses the member's row (a flat button around the name)."""
    node = member_row(app, name)
    while node is not None and node.getRoleName() != "push button":
        node = node.parent
    press(node)


def dialog_window(known):
    """An AdwMessageDialog or picker: a new toplevel."""
    return new_window(known, ".")


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    server = start_server("[websocket]\noffline_delay_ms = 300\n")
    alice_s, alice_u = session("alice")
    bruno_s, bruno_u = session("bruno")
    chloe_s, chloe_u = session("chloe")
    launch = alice_s.post(URL + "/api/rooms", json={"type": "group", "name": "Launch",
                                                     "member_ids": [chloe_u["id"]]}, timeout=10).json()
    # A room where Bruno is a plain member, for "no such action".
    shared = alice_s.post(URL + "/api/rooms", json={"type": "group", "name": "Budget",
                                                     "member_ids": [bruno_u["id"]]}, timeout=10).json()
    alice_s.patch(URL + "/api/me", json={"status_text": "Shipping the release"}, timeout=10).raise_for_status()

    apps = {}
    global PIDS
    for user in ("alice", "bruno"):
        p = start_app(user)
        PIDS[user] = p
        WINDOWS[user] = new_window(list(WINDOWS.values()))
        subprocess.run(["xdotool", "windowmove", WINDOWS[user], str(OFFSET[user]), "0"], check=True)
        pid = p.pid
        if os.environ.get("PEOPLE_GDB") == user:
            pid = int(wait_for(lambda: subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True,
                                                      text=True).stdout.split()[0], "the app under gdb"))
        apps[user] = app_of(pid)
    alice, bruno = apps["alice"], apps["bruno"]

    # Bruno, a member of "Budget", is offered nothing on Alice's row.
    open_room("bruno", bruno, "Budget")
    members_popover("bruno", bruno)
    label(bruno, "Shipping the release · Online")
    open_member(bruno, "Alice Martin")
    response(bruno, "Close")
    assert no_button(bruno, "Make Admin") and no_button(bruno, "Remove from Room"), \
        "a member is offered role changes"
    log("a member sees no Make Admin / Remove")
    press(response(bruno, "Close"))

    # Alice adds Bruno to "Launch" from the picker.
    open_room("alice", alice, "Launch")
    members_popover("alice", alice)
    member_row(alice, "Chloé Durand")
    shot("ui-people-1-members-en.png")
    known = windows(".")
    press(button(alice, "Add People…"))
    picker = new_window(known, "^Add People$")
    entry = find(alice, lambda n: n.getRoleName() in ("text", "entry") and n.name == "Search people" and showing(n),
                 "the picker's search")
    click(picker, entry)
    type_text("Bru")
    time.sleep(0.5)
    person = label(alice, "Bruno Petit")
    assert pyatspi.findDescendant(alice, lambda n: n.getRoleName() == "label" and
                                  n.name == "Chloé Durand" and showing(n)) is None, \
        "a current member is offered"
    shot("ui-people-2-picker-en.png")
    # Enter picks the only result (the search entry has the focus).
    subprocess.run(["xdotool", "key", "Return"], check=True)
    label(alice, "Bruno Petit was added")
    assert PIDS["bruno"].poll() is None, f"Bruno's app died: {PIDS['bruno'].poll()}"
    bruno = apps["bruno"]
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.getRoleName() == "label" and
                                            n.name == "Launch"), "Launch in Bruno's list", 30, bruno)
    log("Bruno sees the room appear")
    frame = find(alice, lambda n: n.getRoleName() == "frame" and n.name == "Add People", "the picker")
    press(find(frame, lambda n: n.getRoleName() == "push button" and n.name == "Close", "its Close"))
    wait_for(lambda: picker not in windows("."), "the picker to close", 10)

    # Alice makes Bruno admin.
    members_popover("alice", alice)
    open_member(alice, "Bruno Petit")
    shot("ui-people-3-member-actions-en.png")
    press(response(alice, "Make Admin"))
    r = alice_s.get(f"{URL}/api/rooms/{launch['id']}/members", timeout=10).json()
    wait_for(lambda: [m["role"] for m in alice_s.get(f"{URL}/api/rooms/{launch['id']}/members",
                                                       timeout=10).json()["members"]
                      if m["user"]["id"] == bruno_u["id"]] == ["admin"], "Bruno admin on the server")
    # Bruno: now an admin of Launch, his list says so and offers him roles for Chloé.
    open_room("bruno", bruno, "Launch")
    members_popover("bruno", bruno)
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.getRoleName() == "label" and
                                            n.name == "Admin" and showing(n)), "Admin beside Bruno", 30, bruno)
    open_member(bruno, "Chloé Durand")
    response(bruno, "Make Admin")
    assert no_button(bruno, "Make Owner"), "an admin is offered Make Owner"
    log("Bruno, admin, may change Chloé's role, not make owners")
    press(response(bruno, "Close"))

    # Bruno leaves Launch, with confirmation.
    press(button(bruno, "Room Menu") if pyatspi.findDescendant(bruno, lambda n: (n.name or "") == "Room Menu")
          else find(bruno, lambda n: n.getRoleName() == "toggle button" and "Menu" in (n.name or ""), "room menu"))
    leave = find(bruno, lambda n: (n.name or "").replace("_", "").startswith("Leave Room"), "Leave Room item")
    press(leave)
    press(response(bruno, "Leave"))
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.getRoleName() == "label" and
                                            n.name == "Launch" and showing(n)) is None,
             "Launch to leave Bruno's list", 30, bruno)
    log("Bruno left Launch")

    # Bruno quits: "Last seen just now" in Alice's direct room with him.
    stop([p for p in procs if p.args[-1] == "bruno@demo.causerie.org"][0])
    open_room("alice", alice, "Bruno Petit")
    label(alice, "Last seen just now", 30)
    log("Alice sees Bruno last seen")
    shot("ui-people-4-last-seen-en.png")

    # French.
    stop([p for p in procs if p.args[-1] == "alice@demo.causerie.org"][0])
    del WINDOWS["alice"]
    p = start_app("alice", {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")})
    alice = app_of(p.pid)
    WINDOWS["alice"] = wait_for(lambda: windows(".")[-1], "Alice's window", 30)
    open_room("alice", alice, "Bruno Petit")
    wait_for(lambda: pyatspi.findDescendant(alice, lambda n: n.getRoleName() == "label" and
                                            (n.name or "").startswith("Vu pour la dernière fois")),
             "Vu pour la dernière fois", 30, alice)
    shot("ui-people-5-last-seen-fr.png")
    open_room("alice", alice, "Launch")
    press(button(alice, "Membres"))
    member_row(alice, "Chloé Durand")
    shot("ui-people-6-members-fr.png")
    log("French shown")


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        print_logs(["server", "alice", "bruno"])
        raise
    finally:
        for p in reversed(list(procs)):
            stop(p)

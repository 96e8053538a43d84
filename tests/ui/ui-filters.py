#!/usr/bin/python3
"""ui-filters.py: the room list's filters (issue 17), as a person uses them.

Started by ui-e2e.sh inside a private X server and session bus. Alice's
sidebar offers All, Unread, Mentions, Direct, Groups and channels and
Projects, each with the number of rooms the server says it holds; choosing
Direct lists her direct rooms only, Alt+5 (the keyboard) chooses Groups
and channels; a mention from Bruno raises the Mentions count live; the
choice is kept across a restart; and in French. Screenshots go to
$CAUSERIE_ARTIFACTS.
"""
import os, subprocess, time

import pyatspi

from e2e_common import (DATA, SERVER, URL, app_of, log, main_window, post, session, shot, start_app,
                        start_server, stop, wait_for)

KINDS = ["All", "Unread", "Mentions", "Direct", "Groups and channels", "Projects"]


def toggle(app, kind):
    """The toggle button of @kind ("Unread, 3 rooms"; a push button on GTK 4.8)."""
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("toggle button", "push button") and
        (n.name or "").startswith(kind + ", "))


def count_on(app, kind):
    node = toggle(app, kind)
    if node is None:
        return None
    return int(node.name[len(kind) + 2:].split(" ")[0])


def checked(node):
    """GTK 4.8 says a toggle button is on with "pressed" (later ones, "checked")."""
    if node is None:
        return False
    state = node.getState()
    return state.contains(pyatspi.STATE_CHECKED) or state.contains(pyatspi.STATE_PRESSED)


def listed_rooms(app):
    """The names of the room rows the sidebar's list shows."""
    rooms = pyatspi.findDescendant(app, lambda n: n.getRoleName() in ("list", "list box") and n.name == "Rooms")
    if rooms is None:
        return None
    rows = pyatspi.findAllDescendants(rooms, lambda n: n.getRoleName() in ("panel", "grouping"))
    return sorted((r.name or "").split(",")[0] for r in rows if r.name)


def expected_counts(rooms):
    live = [r for r in rooms if not r.get("is_archived")]
    return {
        "All": len(live),
        "Unread": len([r for r in live if r.get("unread_count", 0) > 0]),
        "Mentions": len([r for r in live if r.get("mention_count", 0) > 0]),
        "Direct": len([r for r in live if r["type"] == "direct"]),
        "Groups and channels": len([r for r in live if r["type"] in ("group", "channel")]),
        "Projects": len([r for r in live if r["type"] == "project"]),
    }


def check_counts(app, alice):
    want = expected_counts(alice.get(URL + "/api/rooms", timeout=10).json()["rooms"])
    wait_for(lambda: all(count_on(app, k) == want[k] for k in KINDS),
             "the counts %r on the filters" % want, 30, app)
    log("counts as the server has them: %r" % want)
    return want


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    alice, _ = session("alice")
    bruno, _ = session("bruno")
    rooms = alice.get(URL + "/api/rooms", timeout=10).json()["rooms"]
    direct = [r for r in rooms if r["type"] == "direct"][0]
    assert direct.get("mention_count", 0) == 0, direct

    # The choice is kept in GSettings: a key file under her config folder,
    # so that it outlives the app.
    env = {"GSETTINGS_BACKEND": "keyfile"}
    p = start_app("alice", env)
    main_window()
    app = app_of(p.pid)
    wait_for(lambda: checked(toggle(app, "All")), "the All filter, chosen", 60, app)
    want = check_counts(app, alice)
    assert want["Direct"] > 0 and want["Groups and channels"] > 0, want
    time.sleep(0.5)
    shot("ui-filters-1-all.png")

    # Direct: her direct rooms only.
    toggle(app, "Direct").queryAction().doAction(0)
    wait_for(lambda: checked(toggle(app, "Direct")) and listed_rooms(app) is not None and
             len(listed_rooms(app)) == want["Direct"], "only direct rooms listed", 30, app)
    assert "general" not in listed_rooms(app), listed_rooms(app)
    assert not checked(toggle(app, "All"))
    log("Direct lists %r" % listed_rooms(app))
    time.sleep(0.5)
    shot("ui-filters-2-direct.png")

    # The keyboard: Alt+5 is Groups and channels, from anywhere in the window.
    subprocess.run(["xdotool", "key", "alt+5"], check=True)
    wait_for(lambda: checked(toggle(app, "Groups and channels")) and listed_rooms(app) is not None and
             "general" in listed_rooms(app) and len(listed_rooms(app)) == want["Groups and channels"],
             "Groups and channels chosen with Alt+5", 30, app)
    log("Alt+5 lists %r" % listed_rooms(app))

    # A mention while it runs, in a room that had none: the counts follow.
    before = want
    post(bruno, direct["id"], "@alice the filters count this one")
    want = check_counts(app, alice)
    assert want["Mentions"] == before["Mentions"] + 1, (before, want)
    time.sleep(0.5)
    shot("ui-filters-3-groups.png")

    # Kept across a restart.
    stop(p)
    p = start_app("alice", env)
    main_window()
    app = app_of(p.pid)
    wait_for(lambda: checked(toggle(app, "Groups and channels")), "Groups and channels chosen after a restart",
             60, app)
    wait_for(lambda: listed_rooms(app) is not None and "general" in listed_rooms(app) and
             len(listed_rooms(app)) == want["Groups and channels"], "the same rooms after a restart", 30, app)
    log("the choice outlived a restart")
    subprocess.run(["xdotool", "key", "alt+1"], check=True)
    wait_for(lambda: checked(toggle(app, "All")), "All chosen with Alt+1", 30, app)
    stop(p)

    # In French.
    p = start_app("alice", dict(env, LANGUAGE="fr", CAUSERIE_LOCALEDIR=os.environ.get("CAUSERIE_LOCALEDIR", "")))
    main_window()
    app = app_of(p.pid)
    wait_for(lambda: toggle(app, "Non lus") is not None and toggle(app, "Groupes et canaux") is not None,
             "the filters in French", 60, app)
    time.sleep(0.5)
    shot("ui-filters-4-fr.png")
    stop(p)
    log("PASS")


if __name__ == "__main__":
    main()

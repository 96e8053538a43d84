#!/usr/bin/python3
"""ui-reactions.py: reactions and read times, as two colleagues see them.

Started by ui-e2e.sh inside a private X server and session bus. Alice and
Bruno open their direct room. Alice writes; from her message's hover
button she picks 👍: Bruno's app shows "👍 1" under it at once, its name
(and tooltip) saying Alice reacted. Bruno clicks it: his own is added
(highlighted, "👍 2" on both sides); again: removed. Alice adds 🎉 from the
message's menu ("Add Reaction…"), and "More Reactions" opens GTK's emoji
chooser. Bruno has read her message: Alice's shows "Read HH:MM" under it.
In the channel "general", Alice's message shows "read by 1" once Bruno
read it; pressing it lists Bruno with the time. Screenshots go to
$CAUSERIE_ARTIFACTS.
"""
import os, re, subprocess, time

import pyatspi

from e2e_common import (DATA, SERVER, click, find, label, log, run, shot, showing,
                        start_apps_side_by_side, start_server, wait_for)

OFFSET = {"alice": 0, "bruno": 1060}
WINDOWS = {}
THUMBS = "\U0001F44D"
PARTY = "\U0001F389"


def row_of(app, text):
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("panel", "grouping") and (n.name or "").endswith(": " + text))


def in_row(app, text, pred):
    row = row_of(app, text)
    return pyatspi.findDescendant(row, pred) if row is not None else None


def reaction(app, text, emoji):
    """The reaction button @emoji under the message @text (name "👍 2: …")."""
    return in_row(app, text, lambda n: n.getRoleName() in ("toggle button", "push button") and
                  (n.name or "").startswith(emoji + " "))


def reaction_name(app, text, emoji):
    node = reaction(app, text, emoji)
    return node.name if node is not None else None


def pressed(node):
    st = node.getState()
    return st.contains(pyatspi.STATE_PRESSED) or st.contains(pyatspi.STATE_CHECKED)


def button_named(root, name):
    return pyatspi.findDescendant(root, lambda n: n.getRoleName() in ("push button", "toggle button", "menu item")
                                  and (n.name or "").replace("_", "") in (name, f"{name} {name}") and showing(n))


def say(user, app, text):
    entry = find(app, lambda n: n.getRoleName() == "text" and n.name == "Message", "the composer")
    click(WINDOWS[user], entry)
    subprocess.run(["xdotool", "type", "--delay", "8", text], check=True)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def open_room(user, app, name):
    click(WINDOWS[user], label(app, name, 60))
    find(app, lambda n: n.getRoleName() == "text" and n.name == "Message", f"{user}'s room {name}")
    # The conversation has the room's name as a heading.
    time.sleep(0.5)


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    apps = start_apps_side_by_side(OFFSET, WINDOWS)
    alice, bruno = apps["alice"], apps["bruno"]

    open_room("alice", alice, "Bruno Petit")
    open_room("bruno", bruno, "Alice Martin")
    stamp = str(os.getpid())
    text = f"Shall we ship the new invoices on Monday? ({stamp})"
    say("alice", alice, text)
    wait_for(lambda: row_of(bruno, text), "Bruno sees Alice's message", 30, bruno)

    # Alice: the hover button of her message, then a quick pick.
    add = wait_for(lambda: in_row(alice, text, lambda n: n.getRoleName() == "push button" and
                                  n.name == "Add Reaction"), "Alice's Add Reaction button", 30, alice)
    add.queryAction().doAction(0)
    quick = find(alice, lambda n: n.getRoleName() == "push button" and n.name == f"React with {THUMBS}"
                 and showing(n), "the quick pick 👍")
    shot("ui-reactions-1-picker.png")
    quick.queryAction().doAction(0)

    # Bruno sees it live, with Alice's name.
    name = wait_for(lambda: reaction_name(bruno, text, THUMBS), "Bruno sees 👍 under the message", 30, bruno)
    assert name == f"{THUMBS} 1: Alice Martin", f"Bruno's reaction reads {name!r}"
    node = reaction(bruno, text, THUMBS)
    assert not pressed(node), "Alice's reaction is not Bruno's own"
    log("Bruno sees Alice's 👍 live, named after her")
    # The tooltip names her too: hover it.
    click(WINDOWS["bruno"], node)   # Bruno's click adds his own
    wait_for(lambda: reaction_name(bruno, text, THUMBS) == f"{THUMBS} 2: You, Alice Martin",
             "Bruno's own 👍 added", 30, bruno)
    wait_for(lambda: pressed(reaction(bruno, text, THUMBS)),
             "Bruno's own reaction highlighted", 10, bruno)
    wait_for(lambda: reaction_name(alice, text, THUMBS) == f"{THUMBS} 2: You, Bruno Petit",
             "Alice sees Bruno's 👍", 30, alice)
    node = reaction(bruno, text, THUMBS)
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    subprocess.run(["xdotool", "mousemove", str(OFFSET["bruno"] + e.x + e.width // 2 + 1),
                    str(e.y + e.height // 2)], check=True)
    time.sleep(1.5)
    shot("ui-reactions-2-live-tooltip.png")
    log("clicking toggles: Bruno's own is added on both sides")

    reaction(bruno, text, THUMBS).queryAction().doAction(0)
    wait_for(lambda: reaction_name(bruno, text, THUMBS) == f"{THUMBS} 1: Alice Martin",
             "Bruno's 👍 removed by a second click", 30, bruno)
    wait_for(lambda: reaction_name(alice, text, THUMBS) == f"{THUMBS} 1: You",
             "Alice sees it removed", 30, alice)
    log("a second click removes it")

    # From the message's menu: Add Reaction…, then 🎉; and the emoji chooser.
    menu = wait_for(lambda: in_row(alice, text, lambda n: n.getRoleName() == "push button" and
                                   n.name == "Message Actions"), "Message Actions", 20, alice)
    menu.queryAction().doAction(0)
    item = wait_for(lambda: button_named(alice, "Add Reaction…"), "the menu item Add Reaction…", 20, alice)
    item.queryAction().doAction(0)
    more = wait_for(lambda: button_named(alice, "More Reactions"), "More Reactions", 20, alice)
    find(alice, lambda n: n.name == f"React with {PARTY}" and showing(n), "the quick pick 🎉").queryAction().doAction(0)
    wait_for(lambda: reaction_name(bruno, text, PARTY) == f"{PARTY} 1: Alice Martin",
             "Bruno sees 🎉 picked from Alice's menu", 30, bruno)
    add = in_row(alice, text, lambda n: n.getRoleName() == "push button" and n.name == "Add Reaction")
    add.queryAction().doAction(0)
    more = wait_for(lambda: button_named(alice, "More Reactions"), "More Reactions", 20, alice)
    more.queryAction().doAction(0)
    # GTK's emoji chooser: its search entry and its sections.
    find(alice, lambda n: n.getRoleName() in ("text", "entry") and showing(n) and
         n.getRoleName() != "label" and n.name != "Message", "the emoji chooser's search", 20)
    time.sleep(0.5)
    shot("ui-reactions-3-emoji-chooser.png")
    subprocess.run(["xdotool", "key", "Escape"], check=True)
    log("the menu's Add Reaction… and GTK's emoji chooser")

    # Read time: Bruno's window had the room open, so he read it.
    read = wait_for(lambda: in_row(alice, text, lambda n: n.getRoleName() == "label" and
                                   re.fullmatch(r"Read \d\d:\d\d", n.name or "")),
                    "Alice sees “Read HH:MM” under her message", 30, alice)
    log(f"Alice sees {read.name!r}")
    shot("ui-reactions-4-read-time.png")

    # A channel: "read by 1", and who read it when.
    open_room("alice", alice, "general")
    open_room("bruno", bruno, "general")
    text2 = f"Slides for Thursday are in the shared folder ({stamp})"
    say("alice", alice, text2)
    wait_for(lambda: row_of(bruno, text2), "Bruno sees the channel message", 30, bruno)
    click(WINDOWS["bruno"], row_of(bruno, text2))
    read_by = wait_for(lambda: in_row(alice, text2, lambda n: n.getRoleName() == "push button" and
                                      (n.name or "") == "read by 1"), "Alice's “read by 1”", 30, alice)
    read_by.queryAction().doAction(0)
    who = wait_for(lambda: pyatspi.findDescendant(
        alice, lambda n: re.fullmatch(r"Bruno Petit, \d\d:\d\d", n.name or "") is not None and showing(n)),
        "the read list names Bruno with the time", 30, alice)
    log(f"the read list says {who.name!r}")
    time.sleep(0.5)
    shot("ui-reactions-5-read-list.png")
    print("ok: reactions live with names, toggling, menu and emoji chooser; Read HH:MM; the read list")


if __name__ == "__main__":
    run(main, "ui-reactions-failure.png", ("server", "alice", "bruno"))

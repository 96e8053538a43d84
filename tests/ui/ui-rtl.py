#!/usr/bin/python3
"""ui-rtl.py: the app in Arabic (issue 16): mirrored, and mixed-direction
text in the right order.

Started by ui-e2e.sh inside a private X server and session bus. Over REST,
David takes an Arabic name, Alice makes the group "خارطة الطريق 2027" with
Bruno and David, and they write in Arabic, in English and in both. Alice's
app starts with LANGUAGE=ar: the window is mirrored (the room list is to
the right of the conversation, the back arrow points right), the texts are
Arabic, a system line embeds the Latin "Alice Martin" isolated in an Arabic
sentence, and the room list's preview isolates David's Arabic name. The
invite dialog opens in Arabic. Screenshots of the main window, the
conversation and the invite dialog go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, sys, time

import pyatspi

from e2e_common import (SERVER, DATA, URL, app_of, click, find, label, log, new_window, print_logs,
                        procs, session, shot, start_app, start_server, stop, wait_for)

BIDI = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"), None)
ROOM = "خارطة الطريق 2027"
DAVID = "داود لمبرت"


def plain(text):
    """@text without its invisible direction controls."""
    return (text or "").translate(BIDI)


def x_of(node):
    return node.queryComponent().getExtents(pyatspi.WINDOW_COORDS).x


def named(app, text, timeout=30):
    return find(app, lambda n: plain(n.name) == text, f"{text!r}", timeout)


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    alice_s, alice_u = session("alice")
    bruno_s, bruno_u = session("bruno")
    david_s, david_u = session("david")
    david_s.patch(URL + "/api/me", json={"display_name": DAVID}, timeout=10).raise_for_status()
    room = alice_s.post(URL + "/api/rooms", json={"type": "group", "name": ROOM,
                                                   "member_ids": [bruno_u["id"], david_u["id"]]},
                        timeout=10).json()
    rid = room["id"]
    for s, body in ((david_s, "صباح الخير! الاجتماع غدًا في الساعة 10:00."),
                    (bruno_s, "The budget is in the file «الميزانية 2027.xlsx», page 3."),
                    (alice_s, "شكرًا Bruno، سأرسل report-2027.pdf إلى David قبل الظهر."),
                    (david_s, "تمام 👍 see you tomorrow!")):
        s.post(f"{URL}/api/rooms/{rid}/messages", json={"txn_id": os.urandom(8).hex(), "body": body},
               timeout=10).raise_for_status()

    env = {"LANGUAGE": "ar", "LC_ALL": "C.UTF-8",
           "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")}
    p = start_app("alice", env)
    win = new_window([])
    subprocess.run(["xdotool", "windowsize", win, "1280", "740"], check=False)
    alice = app_of(p.pid)

    # Arabic, and mirrored: the room list is on the right.
    rooms_row = find(alice, lambda n: n.getRoleName() == "label" and n.name == "general",
                     "the room general in the list", 60)
    named(alice, "لم تُحدَّد محادثة")
    empty = named(alice, "اختر غرفة من القائمة، أو ابدأ محادثة جديدة")
    assert x_of(rooms_row) > x_of(empty), \
        f"the room list ({x_of(rooms_row)}) is not right of the conversation ({x_of(empty)})"
    log("Arabic texts; the room list is on the right")
    time.sleep(1)
    shot("rtl-ar-main-window.png")

    # The room list's preview: "داود لمبرت: تمام 👍 see you tomorrow!", the
    # name isolated from the text.
    preview = find(alice, lambda n: n.getRoleName() == "label" and
                   plain(n.name) == f"{DAVID}: تمام 👍 see you tomorrow!", "the room's preview", 30)
    assert preview.name.startswith("\u200f\u2068" + DAVID + "\u2069"), \
        f"the preview {preview.name!r} does not isolate the sender"
    log("the preview isolates the sender's name")

    click(win, find(alice, lambda n: n.getRoleName() == "label" and n.name == ROOM, "the room", 30))
    composer = find(alice, lambda n: n.getRoleName() == "text" and n.name == "رسالة", "the composer", 30)
    line = named(alice, f"أنشأ Alice Martin الغرفة «{ROOM}»")
    assert line.name == f"\u200fأنشأ \u2068Alice Martin\u2069 الغرفة «\u2068{ROOM}\u2069»", \
        f"the system line {line.name!r} does not isolate the names"
    assert x_of(rooms_row) > x_of(composer), "the room list is not right of the composer"
    find(alice, lambda n: "see you tomorrow!" in (n.name or ""), "David's mixed message", 30)
    log("the conversation: system line isolated, mixed messages shown")
    time.sleep(1)
    shot("rtl-ar-conversation-mixed.png")

    # The invite dialog, in Arabic.
    click(win, find(alice, lambda n: n.getRoleName() in ("push button", "toggle button") and
                    n.name == "قائمة الغرفة", "the room menu", 30))
    item = find(alice, lambda n: n.getRoleName() in ("menu item", "push button", "label") and
                (n.name or "").replace("_", "") == "دعوة أشخاص…", "the Invite People item")
    item.queryAction().doAction(0)
    dialog = new_window([win], "^دعوة أشخاص$")
    find(alice, lambda n: "عناوين البريد الإلكتروني" in (n.name or ""), "the addresses entry", 30)
    label(alice, "لا دعوات معلّقة", 30)
    time.sleep(1)
    log(f"the invite dialog in Arabic ({dialog})")
    shot("rtl-ar-invite-dialog.png")
    print("ok: Arabic, mirrored, names isolated in sentences, invite dialog")


if __name__ == "__main__":
    status = 0
    try:
        main()
    except BaseException as e:
        status = 1
        print(f"FAIL: {e!r}", flush=True)
        shot("rtl-failure.png")
        print_logs(["server", "alice"])
    finally:
        for p in reversed(list(procs)):
            stop(p)
    sys.exit(status)

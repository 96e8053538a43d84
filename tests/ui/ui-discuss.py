#!/usr/bin/python3
"""ui-discuss.py: "Discuss" from another application, as people use it.

Started by ui-e2e.sh inside a private X server and session bus, with the
real server. Bruno's app is the single instance; each Discuss link is
opened the way a browser or another application does, by a second
`causerie 'causerie://discuss?…'` process that forwards it to him.

  0. Alice (over the API) made a room tied to the deal ACME renewal with
     Bruno in it, and wrote a message citing the deal.
  1. The link shows the object, that room and that message; opening the
     room shows the deal in its header and the cited message's card.
  2. The link again: Start a Room About It, with Chloé named by her
     address: the room is tied to the deal, Chloé is in it.
  3. The link again: Write About It in an existing room: the composer shows
     the deal as a removable chip; the message sent carries the context.
  4. Malformed links (a bad type, a javascript: address, another server)
     are refused with a sentence; nothing is created.
  5. The app not running: the link starts it; the view shows once the
     saved session is restored.
Waits are bounded; screenshots go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, urllib.parse
import pyatspi

from e2e_common import (find, label, button, press, click, type_text, new_window,
                        APP, DATA, PASSWORD, SERVER, TMP, URL, app_of, log, run, session, shot,
                        start, start_server, stop, wait_for)

DEAL = {"entity_type": "crm.deal", "entity_id": "D-42", "label": "ACME renewal",
        "url": "https://crm.example/deals/42"}


def env_for(user):
    home = os.path.join(TMP, user)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_PASSWORD=PASSWORD)
    env.pop("CAUSERIE_DATA_DIR", None)
    return env


def discuss_link(server=URL, **over):
    fields = dict(server=server, entity_type=DEAL["entity_type"], entity_id=DEAL["entity_id"],
                  label=DEAL["label"], url=DEAL["url"])
    fields.update(over)
    with_ = fields.pop("with", None)
    query = urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None})
    if with_:
        query += "&with=" + urllib.parse.quote(with_)
    return "causerie://discuss?" + query


def forward(link):
    """The link opened by a second process, as a browser would."""
    second = subprocess.run([APP, link], env=env_for("bruno"), capture_output=True, text=True, timeout=30)
    assert second.returncode == 0, f"the second launch failed: {second.stderr}"


def in_frame(app, title):
    return find(app, lambda n: n.getRoleName() in ("frame", "dialog", "window", "alert") and
                n.name == title, f"the window {title!r}")


def composer(app):
    return find(app, lambda n: n.getRoleName() == "text" and n.name == "Message", "the composer", 30)


def context_of(s, body):
    r = s.get(f"{URL}/api/context/crm.deal/D-42", timeout=10)
    r.raise_for_status()
    found = [m for m in r.json()["messages"] if m["body"] == body]
    return found[0]["context"] if found else None


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    log(f"server on {URL}")

    # 0. What Alice did in the CRM's name.
    alice, _ = session("alice")
    bruno_s, bruno_user = session("bruno")
    r = alice.post(URL + "/api/rooms", json={"type": "group", "name": "Deal ACME", "member_ids": [bruno_user["id"]],
                                             "context": DEAL}, timeout=10)
    r.raise_for_status()
    deal_room = r.json()["id"]
    r = alice.post(f"{URL}/api/rooms/{deal_room}/messages",
                   json={"txn_id": "cite-0", "body": "Pricing agreed at 12k", "context": DEAL}, timeout=10)
    r.raise_for_status()
    rooms_before = len(bruno_s.get(URL + "/api/rooms", timeout=10).json()["rooms"])

    p = start([APP, "--server", URL, "--organisation", "demo", "--email", "bruno@demo.causerie.org"],
              "bruno", env_for("bruno"))
    win = new_window([])
    bruno = app_of(p.pid)
    label(bruno, "Deal ACME", 60)

    # 1. The object, its room and its message; open the room.
    forward(discuss_link(**{"with": "chloe@demo.causerie.org"}))
    dialog = in_frame(bruno, "Discuss")
    label(dialog, "ACME renewal", 30)
    label(dialog, "crm.deal · D-42", 10)
    button(dialog, "Open in Browser", 10)
    label(dialog, "Pricing agreed at 12k", 30)
    room_row = label(dialog, "Deal ACME", 30)
    label(dialog, "Chloé Durand", 30)
    log("the Discuss view shows the object, its room, its message and the people named")
    shot("ui-discuss-1-view.png")
    dwin = new_window([win], "^Discuss$")
    click(dwin, room_row)
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.name == "Discuss" and n.getRoleName() in ("frame", "dialog")) is None,
             "the Discuss view to close", 20, bruno)
    header = button(bruno, "Open “ACME renewal” in the Browser", 30)
    find(bruno, lambda n: n.getRoleName() in ("panel", "grouping") and n.name == "About: ACME renewal",
         "the card of the cited message", 20)
    log("the room shows the deal in its header and the cited message's card")
    shot("ui-discuss-2-room.png")

    # 2. Start a room about it, with Chloé.
    forward(discuss_link(**{"with": "chloe@demo.causerie.org"}))
    dialog = in_frame(bruno, "Discuss")
    label(dialog, "Chloé Durand", 30)
    start_btn = button(dialog, "Start a Room About It", 10)
    wait_for(lambda: start_btn.getState().contains(pyatspi.STATE_SENSITIVE), "Start to be offered", 20, dialog)
    press(start_btn)
    composer(bruno)
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.name == "Discuss" and n.getRoleName() in ("frame", "dialog")) is None,
             "the Discuss view to close", 20, bruno)
    rooms = bruno_s.get(URL + "/api/rooms", timeout=10).json()["rooms"]
    new = [x for x in rooms if x["id"] != deal_room and (x.get("context") or {}).get("entity_id") == "D-42"]
    assert len(new) == 1, f"one new room tied to the deal, got {new}"
    assert new[0]["name"] == "ACME renewal", new[0]["name"]
    members = bruno_s.get(f"{URL}/api/rooms/{new[0]['id']}/members", timeout=10).json()["members"]
    assert sorted(m["user"]["email"] for m in members if m["user"].get("email")) == \
        ["bruno@demo.causerie.org", "chloe@demo.causerie.org"], members
    button(bruno, "Open “ACME renewal” in the Browser", 30)
    log("a room tied to the deal was started with Chloé")
    shot("ui-discuss-3-started.png")

    # 3. Write about it in an existing room: the chip, then the message.
    forward(discuss_link())
    dialog = in_frame(bruno, "Discuss")
    press(button(dialog, "Write About It", 20))
    chip = find(bruno, lambda n: n.getRoleName() in ("panel", "grouping") and n.name == "About: ACME renewal" and
                pyatspi.findDescendant(n, lambda c: c.name == "Remove Cited Object") is not None,
                "the composer's chip", 20)
    text = f"Can we close it this week? ({os.getpid()})"
    click(win, composer(bruno))
    type_text(text)
    shot("ui-discuss-4-chip.png")
    subprocess.run(["xdotool", "key", "Return"], check=True)
    ctx = wait_for(lambda: context_of(bruno_s, text), "the cited message on the server", 30)
    assert ctx["entity_id"] == "D-42" and ctx["label"] == "ACME renewal", ctx
    wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.name == "Remove Cited Object") is None,
             "the chip to go once sent", 20, bruno)
    log("the message went with the deal cited; the chip went with it")
    shot("ui-discuss-5-sent.png")

    # 4. Malformed links: a sentence each, nothing done.
    for link, sentence in (
            (discuss_link(entity_type="Bad Type"),
             "The object type in this Discuss link is not valid: it must start with a lower-case letter, "
             "followed by at most 39 lower-case letters, digits, “_”, “.” or “-”."),
            (discuss_link(url="javascript:alert(1)"),
             "The object’s address in this Discuss link is not a web address (http or https)."),
            (discuss_link(label=None),
             "This Discuss link is not complete: it must name the server, the object’s type, its id and a label."),
            (discuss_link(server="https://elsewhere.example"),
             f"This Discuss link is for the server https://elsewhere.example, but you are signed in to {URL}. "
             "Nothing was done.")):
        forward(link)
        refusal = in_frame(bruno, "Link Not Opened")
        label(refusal, sentence, 20)
        if "elsewhere" in link:
            shot("ui-discuss-6-refused.png")
        press(button(refusal, "Close"))
        wait_for(lambda: pyatspi.findDescendant(bruno, lambda n: n.name == "Link Not Opened" and
                                                n.getRoleName() in ("frame", "dialog", "alert")) is None,
                 "the refusal to close", 20, bruno)
    rooms_after = len(bruno_s.get(URL + "/api/rooms", timeout=10).json()["rooms"])
    assert rooms_after == rooms_before + 1, (rooms_before, rooms_after)
    log("malformed links are refused with a sentence; nothing was created")

    # 5. The app not running: the link starts it, and the view shows once
    #    the saved session is back.
    stop(p)
    p = start([APP, discuss_link()], "bruno-cold", env_for("bruno"))
    cold = app_of(p.pid)
    dialog = in_frame(cold, "Discuss")
    label(dialog, "ACME renewal", 60)
    label(dialog, "Pricing agreed at 12k", 30)
    log("a cold start by the link shows the Discuss view")
    shot("ui-discuss-7-cold-start.png")
    print("ok: Discuss link forwarded; open a room, start a room, cite in the composer; refusals")


if __name__ == "__main__":
    run(main, "ui-discuss-failure.png", ("server", "bruno", "bruno-cold"), trace=True)

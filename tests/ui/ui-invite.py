#!/usr/bin/python3
"""ui-invite.py: invitations and causerie:// links, as people use them.

Started by ui-e2e.sh inside a private X server and session bus, with the
real server. Three app processes:
  A  Alice, her own profile (CAUSERIE_DATA_DIR): opens the invite dialog
     from the room header of #random, sees an address refused as she types,
     invites Bruno and a new address, revokes a third; the server then
     holds the invitations and the outbox the mails.
  B  Bruno, the normal single instance: hears of his invitation (banner);
     a second `causerie 'causerie://invite/…'` forwards the link to him,
     the invitation shows with Accept / Decline, Accept lands in #random.
     A malformed link is refused with a sentence.
  C  A new person, not signed in: opens the link of the landing page the
     outbox mail points to, creates the account, lands in #random and
     chats with Alice.
Waits are bounded; screenshots go to $CAUSERIE_ARTIFACTS.
"""
import email, glob, json, os, re, subprocess
import urllib.request
import pyatspi

from e2e_common import (find, label, button, press, new_window, click, type_text, APP, DATA,
                        PASSWORD, SERVER, TMP, URL, app_of, log, run, shot, start, start_server,
                        wait_for)

NEW_EMAIL = "nora.new@example.org"
NEW_PASSWORD = "nora-s3cret-pass"
OFFSET = {"alice": 0, "bruno": 1060, "nora": 1060}


def env_for(user, own_profile, password=True):
    home = os.path.join(TMP, user)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"))
    env.pop("CAUSERIE_DATA_DIR", None)
    env.pop("CAUSERIE_PASSWORD", None)
    if own_profile:
        env["CAUSERIE_DATA_DIR"] = os.path.join(home, "data", "causerie")
    if password:
        env["CAUSERIE_PASSWORD"] = PASSWORD
    return env


# Accessibility and X helpers ---------------------------------------------


def entry(root, title, timeout=30):
    return find(root, lambda n: n.getRoleName() in ("text", "password text", "entry") and
                title in (n.name or ""), f"entry {title!r}", timeout)


def window_of(pid, title):
    """The visible window of process @pid whose title is @title."""
    def look():
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                             capture_output=True, text=True, timeout=10)
        for w in out.stdout.split():
            name = subprocess.run(["xdotool", "getwindowname", w], capture_output=True,
                                  text=True, timeout=10).stdout.strip()
            if name == title:
                return w
    return wait_for(look, f"the window {title!r} of pid {pid}", 30)


def in_frame(app, title):
    return find(app, lambda n: n.getRoleName() in ("frame", "dialog", "window", "alert") and
                n.name == title, f"the window {title!r}")


def type_into(win, node, text, clear=False):
    click(win, node)
    if clear:
        subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
    type_text(text)


def say(win, app, text):
    composer = find(app, lambda n: n.getRoleName() == "text" and n.name == "Message",
                    "the composer", 30)
    click(win, composer)
    type_text(text)
    subprocess.run(["xdotool", "key", "Return"], check=True)


# Server helpers ------------------------------------------------------------

def api(method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(URL + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
        return json.loads(text) if text else None


def login(user):
    return api("POST", "/api/auth/login", body={"tenant": "demo",
                                                "email": f"{user}@demo.causerie.org",
                                                "password": PASSWORD})["token"]


def outbox_link(address):
    """The invitation link of the newest outbox mail to @address."""
    def look():
        found = None
        for path in sorted(glob.glob(os.path.join(DATA, "outbox", "*.eml")), key=os.path.getmtime):
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f)
            if address not in (msg.get("To") or ""):
                continue
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    text = part.get_payload(decode=True).decode("utf-8", "replace")
                    m = re.search(r"https?://\S+/invite/[A-Za-z0-9_-]+", text)
                    if m:
                        found = m.group(0)
        return found
    return wait_for(look, f"the outbox mail to {address}", 30)


def landing_deep_link(link):
    """The "Open in Causerie" link of the landing page a browser shows."""
    with urllib.request.urlopen(link, timeout=10) as r:
        page = r.read().decode()
    m = re.search(r'href="(causerie://invite/[^"]+)"', page)
    assert m, "the landing page has no causerie:// link"
    return m.group(1).replace("&amp;", "&")


def open_room(win, app, name):
    row = label(app, name, 60)
    click(win, row)
    find(app, lambda n: n.getRoleName() == "text" and n.name == "Message",
         f"the conversation of {name}", 20)


# The scenario ---------------------------------------------------------------

WINDOWS = {}


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    log(f"server on {URL}")

    # A: Alice in her own profile; B: Bruno, the single instance.
    apps, pids = {}, {}
    for user, own in (("alice", True), ("bruno", False)):
        p = start([APP, "--server", URL, "--organisation", "demo",
                   "--email", f"{user}@demo.causerie.org"], user, env_for(user, own))
        WINDOWS[user] = new_window(list(WINDOWS.values()))
        subprocess.run(["xdotool", "windowmove", WINDOWS[user], str(OFFSET[user]), "0"], check=True)
        apps[user], pids[user] = app_of(p.pid), p.pid
    alice, bruno = apps["alice"], apps["bruno"]

    # 1. The invite dialog, from the room header.
    open_room(WINDOWS["alice"], alice, "random")
    click(WINDOWS["alice"], button(alice, "Room Menu"))
    item = find(alice, lambda n: n.getRoleName() in ("menu item", "push button", "label") and
                (n.name or "").replace("_", "") == "Invite People…", "the Invite People item")
    press(item)
    dialog_win = new_window(list(WINDOWS.values()), "^Invite People$")
    emails = entry(alice, "Email addresses")
    type_into(dialog_win, emails, "not-an-email")
    label(alice, "“not-an-email” is not an email address", 10)
    send = button(alice, "Send Invitations")
    assert not send.getState().contains(pyatspi.STATE_SENSITIVE), "Send is offered for a bad address"
    log("a bad address is refused as it is typed")
    shot("ui-invite-0-validation.png")
    type_into(dialog_win, emails, f"bruno@demo.causerie.org, {NEW_EMAIL}; typo@example.org", clear=True)
    message = entry(alice, "Message (optional)")
    type_into(dialog_win, message, "Welcome to random")
    wait_for(lambda: send.getState().contains(pyatspi.STATE_SENSITIVE), "Send to be offered", 10, alice)
    press(send)
    for address in ("bruno@demo.causerie.org", NEW_EMAIL, "typo@example.org"):
        button(alice, f"Revoke invitation for {address}", 30)
    button(alice, f"Copy link for {NEW_EMAIL}")
    log("the dialog lists the three invitations")
    press(button(alice, "Revoke invitation for typo@example.org"))
    wait_for(lambda: pyatspi.findDescendant(alice, lambda n: n.name == "Revoke invitation for typo@example.org") is None,
             "the revoked invitation to leave the list", 20, alice)
    press(button(alice, f"Copy link for {NEW_EMAIL}"))
    label(alice, "Link copied", 10)
    shot("ui-invite-1-dialog.png")

    token = login("alice")
    random_id = [r["id"] for r in api("GET", "/api/rooms", token)["rooms"] if r["name"] == "random"][0]
    pending = sorted(i["email"] for i in api("GET", f"/api/rooms/{random_id}/invitations", token)["invitations"])
    assert pending == sorted(["bruno@demo.causerie.org", NEW_EMAIL]), f"server has {pending}"
    bruno_link = outbox_link("bruno@demo.causerie.org")
    new_link = outbox_link(NEW_EMAIL)
    log("the server holds the two invitations and the outbox their mails")
    press(button(in_frame(alice, "Invite People"), "Close"))

    # 2. Bruno hears of it in the app.
    label(bruno, "Alice Martin invited you to random", 30)
    log("Bruno's room list shows the invitation")
    shot("ui-invite-2-banner.png")

    # 3. A second `causerie causerie://invite/…` forwards to the running Bruno.
    bruno_token = bruno_link.rsplit("/", 1)[1]
    deep = f"causerie://invite/{bruno_token}?server={URL}"
    second = subprocess.run([APP, deep], env=env_for("bruno", False, password=False),
                            capture_output=True, text=True, timeout=30)
    assert second.returncode == 0, f"the second launch failed: {second.stderr}"
    label(bruno, "Join “random”", 30)
    label(bruno, "“Welcome to random”", 10)   # Alice's own words (issue 11, defect 9)
    accept = button(bruno, "Accept")
    log("the forwarded link shows the invitation in Bruno's app")
    shot("ui-invite-3-forwarded.png")
    press(accept)
    label(bruno, "Coffee, lunch, and everything else", 30)
    find(bruno, lambda n: n.getRoleName() == "text" and n.name == "Message", "Bruno's composer", 20)
    assert not any(i["email"] == "bruno@demo.causerie.org"
                   for i in api("GET", f"/api/rooms/{random_id}/invitations", token)["invitations"])
    log("Bruno accepted and is in #random")
    shot("ui-invite-4-accepted.png")

    # 4. A malformed link is refused politely.
    bad = "causerie://invite/..%2F..%2Fetc?server=javascript:alert(1)"
    subprocess.run([APP, bad], env=env_for("bruno", False, password=False),
                   capture_output=True, timeout=30, check=True)
    label(bruno, "This is not a Causerie invitation or room link. Check that it was copied whole.", 30)
    shot("ui-invite-5-refused.png")
    press(button(in_frame(bruno, "Link Not Opened"), "Close"))
    log("the malformed link is refused with a sentence")

    # 5. A new person: the mail's landing page, then the app, not signed in.
    deep_new = landing_deep_link(new_link)
    p = start([APP, deep_new], "nora", env_for("nora", True, password=False))
    WINDOWS["nora"] = window_of(p.pid, "Causerie")
    subprocess.run(["xdotool", "windowmove", WINDOWS["nora"], str(OFFSET["nora"]), "0"], check=True)
    nora = app_of(p.pid)
    label(nora, "Join “random”", 30)
    join_win = window_of(p.pid, "Invitation")
    type_into(join_win, entry(nora, "Your name"), "Nora Nouvelle")
    type_into(join_win, entry(nora, "Choose a password"), NEW_PASSWORD)
    shot("ui-invite-6-new-account.png")
    press(button(nora, "Create Account and Join"))
    label(nora, "Coffee, lunch, and everything else", 60)
    log("Nora created her account and is in #random")

    stamp = str(os.getpid())
    hello = f"Hello everyone, Nora here ({stamp})"
    say(WINDOWS["nora"], nora, hello)
    label(alice, hello, 30)
    answer = f"Welcome Nora! ({stamp})"
    say(WINDOWS["alice"], alice, answer)
    label(nora, answer, 30)
    log("Nora and Alice chat")
    shot("ui-invite-7-chat.png")
    print("ok: invite dialog, forwarded deep link, refusal, and a new account chatting")


if __name__ == "__main__":
    run(main, "ui-invite-failure.png", ("server", "alice", "bruno", "nora"), trace=True)

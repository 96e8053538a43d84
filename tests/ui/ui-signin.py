#!/usr/bin/python3
"""ui-signin.py: drive the causerie sign-in view through AT-SPI.

Started by ui-run.sh with the app pointed at a server address nobody
listens on: type a password, press "Sign In", and expect the sentence about
the unreachable server. Prints the accessibility tree when something is
missing, so a failure says what the screen held.
"""
import subprocess, sys, time
import pyatspi


def app_named(name, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desk = pyatspi.Registry.getDesktop(0)
        for i in range(desk.childCount):
            a = desk.getChildAtIndex(i)
            if a is not None and a.name == name:
                return a
        time.sleep(0.2)
    raise AssertionError(f"no application {name!r} on the accessibility bus")


def dump(node, depth=0):
    try:
        print("  " * depth + f"{node.getRoleName()} {node.name!r}")
        for i in range(node.childCount):
            dump(node.getChildAtIndex(i), depth + 1)
    except Exception:
        pass


def find(root, pred, what, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n = pyatspi.findDescendant(root, pred)
        if n is not None:
            return n
        time.sleep(0.2)
    dump(root)
    raise AssertionError(f"not found: {what}")


def type_into(node, text):
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    subprocess.run(["xdotool", "mousemove", str(e.x + e.width // 2), str(e.y + e.height // 2),
                    "click", "1"], check=True)
    time.sleep(0.2)
    subprocess.run(["xdotool", "type", "--delay", "10", text], check=True)


if __name__ == "__main__":
    app = app_named(sys.argv[1] if len(sys.argv) > 1 else "causerie")
    password = find(app, lambda n: n.getRoleName() in ("password text", "text") and
                    "Password" in (n.name or ""), "password field")
    type_into(password, "not-the-password")
    button = find(app, lambda n: n.getRoleName() == "push button" and n.name == "Sign In",
                  "Sign In button")
    time.sleep(0.3)
    button.queryAction().doAction(0)
    find(app, lambda n: n.getRoleName() == "label" and
         (n.name or "").startswith("Could not reach the server"), "unreachable sentence", timeout=20)
    print("ok: the sign-in view says the server cannot be reached")

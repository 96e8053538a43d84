"""e2e_common.py: what the end-to-end UI drivers share: the command-line
arguments, the processes they start (stopped in reverse order at the end),
bounded waits that print the accessibility tree when they fail, and
screenshots.

Imported by the ui-*.py drivers, which ui-e2e.sh starts inside a private
X server and session bus as: DRIVER SERVER APP TMP.
"""
import os, re, signal, socket, subprocess, sys, time, urllib.request

import pyatspi

SERVER, APP, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
ARTIFACTS = os.environ["CAUSERIE_ARTIFACTS"]
PASSWORD = "causerie-demo"

procs = []             # everything we start, stopped in reverse order


def log(text):
    print(f"# {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
URL = f"http://127.0.0.1:{PORT}"
DATA = os.path.join(TMP, "server")


def start(args, name, env=None):
    out = open(os.path.join(TMP, f"{name}.log"), "ab")
    p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    procs.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in procs:
        procs.remove(p)


def wait_for(pred, what, timeout=30, dump_root=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            result = pred()
        except Exception:
            result = None
        if result:
            return result
        time.sleep(0.2)
    if dump_root is not None:
        dump(dump_root)
    raise AssertionError(f"timed out waiting for {what}")


def dump(node, depth=0):
    try:
        print("  " * depth + f"{node.getRoleName()} {node.name!r}")
        for i in range(node.childCount):
            dump(node.getChildAtIndex(i), depth + 1)
    except Exception:
        pass


def app_of(pid):
    def look():
        desk = pyatspi.Registry.getDesktop(0)
        for i in range(desk.childCount):
            a = desk.getChildAtIndex(i)
            if a is not None and a.get_process_id() == pid:
                return a
    return wait_for(look, f"application pid {pid} on the accessibility bus")


def shot(name):
    path = os.path.join(ARTIFACTS, name)
    subprocess.run(["import", "-window", "root", path], check=False)
    log(f"screenshot {path}")



def start_server(config=None):
    """The real server on PORT, with @config (INI text) when given."""
    args = [SERVER, "--data-dir", DATA]
    if config:
        conf = os.path.join(TMP, "server.conf")
        with open(conf, "w") as f:
            f.write(config)
        args += ["--config", conf]
    p = start(args + ["serve", "--listen", f"127.0.0.1:{PORT}"], "server")

    def healthy():
        with urllib.request.urlopen(URL + "/healthz", timeout=2) as r:
            return r.status == 200
    wait_for(healthy, "the server to answer /healthz")
    return p


# People of the demo workspace: their REST sessions and their apps.

def session(user):
    """A signed-in requests session of @user (alice, bruno…) and their user object."""
    import requests
    s = requests.Session()
    r = s.post(URL + "/api/auth/login", json={"tenant": "demo", "email": f"{user}@demo.causerie.org",
                                             "password": PASSWORD}, timeout=10)
    r.raise_for_status()
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    return s, r.json()["user"]


def post(s, room_id, body):
    """@body sent to @room_id through @s's session; the stored message."""
    r = s.post(f"{URL}/api/rooms/{room_id}/messages",
               json={"txn_id": os.urandom(8).hex(), "body": body}, timeout=30)
    r.raise_for_status()
    return r.json()


def start_app(user, extra_env=None, prefix=()):
    """The desktop app of @user, with their own data and settings under TMP."""
    home = os.path.join(TMP, user)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    env.update(extra_env or {})
    return start(list(prefix) + [APP, "--server", URL, "--organisation", "demo",
                                 "--email", f"{user}@demo.causerie.org"], user, env)


def main_window(name="^Causerie"):
    """The newest visible window called @name (an xdotool id)."""
    def look():
        found = visible_windows(name)
        return found[-1] if found else None
    return wait_for(look, f"the window {name}", 30)


def message_row(app, text):
    """A message row of the conversation (a group named "Sender, 12:00: text")."""
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("panel", "grouping") and
        (n.name or "").endswith(": " + text) and (n.name or "").count(", ") == 1)


# Finding and driving widgets through the accessibility tree and xdotool.

def showing(node):
    """Whether @node is on screen: visible and with some width."""
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE) and \
            node.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0
    except Exception:
        return False


def find(root, pred, what, timeout=30):
    return wait_for(lambda: pyatspi.findDescendant(root, pred), what, timeout, root)


def label(root, text, timeout=30, shown=False):
    """The label @text under @root (only one on screen when @shown)."""
    return find(root, lambda n: n.getRoleName() == "label" and n.name == text and
                (not shown or showing(n)), f"label {text!r}", timeout)


def clean(name):
    """An accessible name without its mnemonic underscores."""
    return (name or "").replace("_", "")


def button(root, name, timeout=30, shown=False):
    """The button @name under @root (only one on screen when @shown)."""
    # GTK 4.8 names a button with a mnemonic "_Label Label".
    return find(root, lambda n: n.getRoleName() in ("push button", "toggle button") and
                clean(n.name) in (name, f"{name} {name}") and (not shown or showing(n)),
                f"button {name!r}", timeout)


def press(node, pause=0.3):
    node.queryAction().doAction(0)
    time.sleep(pause)


def visible_windows(name="^Causerie"):
    """The visible X windows whose title matches @name (xdotool ids, oldest first)."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                         capture_output=True, text=True, timeout=10)
    return out.stdout.split()


def new_window(known, name="^Causerie"):
    def look():
        fresh = [w for w in visible_windows(name) if w not in known]
        return fresh[-1] if fresh else None
    return wait_for(look, f"a new window {name}", 30)


def geometry(win):
    """The position and size of @win: x, y, width, height."""
    out = subprocess.run(["xdotool", "getwindowgeometry", win], capture_output=True, text=True).stdout
    x, y = map(int, re.search(r"Position: (-?\d+),(-?\d+)", out).groups())
    w, h = map(int, re.search(r"Geometry: (\d+)x(\d+)", out).groups())
    return x, y, w, h


def position(win):
    out = subprocess.run(["xdotool", "getwindowgeometry", win],
                         capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"Position: (-?\d+),(-?\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def click(win, node, activate=False):
    """A click in the middle of @node in @win; with @activate, @win is
    raised first (and its geometry must be known)."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x0, y0 = geometry(win)[:2] if activate else position(win)
    if activate:
        subprocess.run(["xdotool", "windowactivate", "--sync", win], check=False)
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
    subprocess.run(["xdotool", "mousemove", str(x0 + e.x + e.width // 2),
                    str(y0 + e.y + e.height // 2), "click", "1"], check=True)
    time.sleep(0.3)


def type_text(text, delay=10, pause=0.2):
    subprocess.run(["xdotool", "type", "--delay", str(delay), text], check=True)
    time.sleep(pause)


def key(win, *keys):
    """@keys (xdotool names) pressed in @win, raised and focused first."""
    subprocess.run(["xdotool", "windowactivate", "--sync", win], check=False)
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
    subprocess.run(["xdotool", "key", *keys], check=True)
    time.sleep(0.3)


def print_logs(names):
    """The end of each process's log under TMP, for a failed run."""
    for name in names:
        path = os.path.join(TMP, f"{name}.log")
        if os.path.exists(path):
            print(f"--- {name}.log")
            print(open(path, errors="replace").read()[-3000:])


def run(main, failure_shot, log_names, trace=False):
    """Runs a driver's @main and exits with its status: on failure prints
    FAIL (and the traceback when @trace), takes the screenshot @failure_shot
    and prints the end of the logs @log_names; stops every process started."""
    status = 0
    try:
        main()
    except Exception as e:
        status = 1
        if trace:
            import traceback
            print(f"FAIL: {e!r}", flush=True)
            traceback.print_exc()
        else:
            print(f"FAIL: {e}", flush=True)
        shot(failure_shot)
        print_logs(log_names)
    finally:
        for p in reversed(list(procs)):
            stop(p)
    sys.exit(status)


def start_apps_side_by_side(offsets, windows, start_app=start_app):
    """Starts the app of each person of @offsets (user: x) with @start_app
    and moves their window to x; fills @windows (user: xdotool id) and
    returns user: the application on the accessibility bus."""
    apps = {}
    for user, x in offsets.items():
        p = start_app(user)
        windows[user] = new_window(list(windows.values()))
        subprocess.run(["xdotool", "windowmove", windows[user], str(x), "0"], check=True)
        apps[user] = app_of(p.pid)
    return apps

#!/usr/bin/python3
"""check-flatpak-manifest.py: checks the Flatpak manifest without
flatpak-builder: it is JSON, every downloaded source is pinned (a sha256 of
64 hex digits, or a git commit of 40 hex digits: a tag can move), a colour
emoji font is bundled into /app/share/fonts (issue 11: emoji showed as
boxes in the Flatpak), the app is built alone (-Dserver=false
-Dtests=false) and the GNOME runtime is one still supported (issue 16).
When the same file is at hand (apt's cache), its checksum is compared too.

    check-flatpak-manifest.py MANIFEST
SPDX-License-Identifier: GPL-3.0-or-later
"""
import hashlib, json, os, re, sys


MIN_GNOME = 50


def fail(text):
    print(f"FAIL: {text}")
    sys.exit(1)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    modules = manifest.get("modules") or fail("no modules")
    for module in modules:
        for source in module.get("sources", []):
            kind = source.get("type")
            if kind in ("file", "archive"):
                if "url" in source and not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                    fail(f"{module['name']}: {source['url']} has no sha256 of 64 hex digits")
                for url in [source.get("url", "")] + source.get("mirror-urls", []):
                    if url and not url.startswith("https://"):
                        fail(f"{module['name']}: {url} is not https")
            elif kind == "git":
                if not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
                    fail(f"{module['name']}: git source not pinned to a commit of 40 hex digits")
            elif kind not in ("dir", "patch", "shell", "script", "inline"):
                fail(f"{module['name']}: source type {kind!r} is not checked here")

    # A GNOME runtime lives a year: N is end-of-life when N+2 is out
    # (47 on 15 October 2025, 48 on 24 March 2026). Raise this floor with
    # each September release.
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        fail("not the GNOME runtime and SDK")
    if not re.fullmatch(r"\d+", manifest.get("runtime-version", "")) or int(manifest["runtime-version"]) < MIN_GNOME:
        fail(f"runtime-version {manifest.get('runtime-version')!r}: GNOME {MIN_GNOME} or later is needed")

    app = [m for m in modules if m.get("name") == "causerie"]
    if not app:
        fail("no causerie module")
    opts = app[0].get("config-opts", [])
    for opt in ("-Dserver=false", "-Dtests=false"):
        if opt not in opts:
            fail(f"the app module does not pass {opt}: the Flatpak builds the app alone")

    emoji = [m for m in modules if m.get("name") == "noto-color-emoji"]
    if not emoji:
        fail("no noto-color-emoji module: emoji would show as boxes")
    emoji = emoji[0]
    commands = " ".join(emoji.get("build-commands", []))
    if "/app/share/fonts/" not in commands or "NotoColorEmoji.ttf" not in commands:
        fail("the emoji font is not installed into /app/share/fonts")
    if "/app/share/licenses/" not in commands:
        fail("the emoji font's licence is not installed")
    # It is built before the app (an app module's build does not need it,
    # but a font installed after the app's cleanup rules could be dropped).
    if modules.index(emoji) > [m.get("name") for m in modules].index("causerie"):
        fail("the emoji font module comes after the app")

    for source in emoji["sources"]:
        name = os.path.basename(source["url"])
        cached = os.path.join("/var/cache/apt/archives", name)
        if os.path.exists(cached):
            with open(cached, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            if digest != source["sha256"]:
                fail(f"{name}: sha256 {digest} in apt's cache, {source['sha256']} in the manifest")
            print(f"ok: {name} matches apt's cache")
    print(f"ok: manifest is JSON, sources are pinned, GNOME {manifest['runtime-version']}, "
          "the app alone, a colour emoji font is bundled")


if __name__ == "__main__":
    main()

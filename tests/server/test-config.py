#!/usr/bin/python3
# test-config.py: the configuration file is read strictly. An unknown
# group or key, a number that is not one or out of range, a value not
# among the choices: the server refuses to start (non-zero exit) with one
# sentence naming the file, the group, the key and what is accepted. And
# every key the README shows is one the server takes.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")

BAD = [
    ("[limts]\njson_body_bytes=4096\n",
     ["[limts]", "no such group", "limits, memory, metrics"]),
    ("[limits]\njson_body_byte=4096\n",
     ["[limits] json_body_byte", "no such key", "connections_per_address", "json_body_bytes"]),
    ("[limits]\njson_body_bytes=lots\n",
     ["[limits] json_body_bytes", "“lots” is not a whole number between 1024 and 67108864"]),
    ("[limits]\nheader_timeout_seconds=0\n",
     ["[limits] header_timeout_seconds", "between 1 and 3600"]),
    ("[limits]\nconnections_per_address=-5\n",
     ["[limits] connections_per_address", "“-5”", "between 1 and"]),
    ("[websocket]\nping_interval_seconds=99999999999999999999999\n",
     ["[websocket] ping_interval_seconds", "between 1 and 3600"]),
    ("[security]\npassword_hash=fast\n",
     ["[security] password_hash", "“fast” is not one of min, interactive, moderate"]),
    ("[security]\npassword_hash=interactive   # argon2id\n",
     ["[security] password_hash", "comments only on lines of their own"]),
    ("[storage]\nbackend=mysql\n",
     ["[storage] backend", "“mysql” is not one of sqlite, postgresql"]),
    ("[storage]\nbackend=postgresql\n",
     ["[storage] postgresql", "backend = postgresql needs the database to use"]),
    ("[bus]\nredis=127.0.0.1:6379\n",
     ["[bus] redis", "“127.0.0.1:6379” is not a Redis address", "redis://127.0.0.1:6379/0"]),
    ("[bus]\nredis=redis://127.0.0.1:6379/main\n",
     ["[bus] redis", "“/main” is not a database number"]),
    ("[bus]\nhost=127.0.0.1\n",
     ["[bus] host", "no such key", "it takes presence_ttl_seconds, redis"]),
    ("[smtp]\nstarttls=yes\n",
     ["[smtp] starttls", "“yes” is neither true nor false"]),
    ("[agents]\nendpoint=127.0.0.1:8080\n",
     ["[agents] endpoint", "not an http:// or https:// address"]),
    ("[agents]\napi_key_file=/nonexistent/agents.key\n",
     ["[agents] api_key_file", "cannot read it"]),
    ("[attachments]\nclamd=/run/clamav/clamd.ctl\n",
     ["[attachments] clamd", "neither unix:/absolute/path nor tcp:host:port"]),
    ("[attachments]\ndir=relative/attachments\n",
     ["[attachments] dir", "not an absolute path"]),
    ("[attachments]\nclamd=tcp:localhost\n",
     ["[attachments] clamd", "“tcp:localhost”"]),
    ("[smtp]\nurl=mail.example.com:25\n",
     ["[smtp] url", "smtp:// or smtps://"]),
    ("[server]\ntrusted_proxies=10.0.0.0/8, nginx\n",
     ["[server] trusted_proxies", "“nginx” is not an address or a network"]),
    ("[server]\ntrusted_proxies=10.0.0.1/8\n",
     ["[server] trusted_proxies", "“10.0.0.1/8”"]),
    ("[server]\npublic_url=chat.example.com\n",
     ["[server] public_url", "not an http:// or https:// address"]),
    ("[server]\nlisten=localhost\n",
     ["[server] listen", "HOST:PORT"]),
    ("[metrics]\nlisten=9464\n",
     ["[metrics] listen", "HOST:PORT"]),
    ("[metrics]\nport=9464\n",
     ["[metrics] port", "no such key", "it takes listen"]),
    ("[policy]\nforbid_direct=guest:boss\n",
     ["[policy] forbid_direct", "pair of roles"]),
]


def run(config_text, *args, timeout=20):
    d = tempfile.mkdtemp(prefix="causerie-config-")
    path = os.path.join(d, "server.conf")
    with open(path, "w") as f:
        f.write(config_text)
    proc = subprocess.Popen([cs_test.binary(), "--data-dir", os.path.join(d, "db"), "--config", path,
                             "serve", "--listen", "127.0.0.1:0"] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "listening on" in line:
        proc.terminate()
    out, err = proc.communicate(timeout=timeout)
    shutil.rmtree(d, ignore_errors=True)
    return proc.returncode, line + out, err, path


def readme_config():
    text = open(README, encoding="utf-8").read()
    block = text.split("### Configuration file", 1)[1].split("```ini", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line)
        if line.strip():
            lines.append(line)
    return "\n".join(lines) + "\n"


def main():
    for text, expected in BAD:
        status, out, err, path = run(text)
        label = text.strip().replace("\n", " ")
        check(status != 0 and "listening" not in out, "“%s” stops the start-up (exit %s)" % (label, status))
        missing = [e for e in expected + [path] if e not in err]
        check(not missing, "... saying %r (missing %r)" % (err.strip(), missing))

    status, out, err, path = run("[security]\npassword_hash=min\n")
    check("listening on" in out, "password_hash = min still starts (the tests use it)")
    check("[security] password_hash = min is for tests" in err, "... with a warning: %r" % err.strip())

    config = readme_config()
    config = re.sub(r"(\[metrics\]\nlisten = )\S+", r"\g<1>127.0.0.1:0", config)
    # Never a system Redis: a port nothing listens on. The node starts all
    # the same (the bus says it is down and retries).
    config = re.sub(r"(\[bus\]\nredis = )\S+", r"\g<1>redis://127.0.0.1:%d/0" % cs_test.free_port(), config)
    check("[bus]\nredis = redis://127.0.0.1:" in config, "the README's [bus] redis is replaced")
    if os.environ.get("CAUSERIE_REDIS") == "0":
        # Built without hiredis: [bus] redis is refused with a sentence
        # saying so, and the rest of the block is accepted.
        status, out, err, path = run("[bus]\nredis = redis://127.0.0.1:%d/0\n" % cs_test.free_port())
        check(status != 0 and "built without Redis support" in err,
              "without hiredis, [bus] redis stops the start-up with a sentence (%r)" % err.strip())
        config = re.sub(r"\[bus\]\nredis = \S+\n", "", config)
    # The key file the README names is one this test writes.
    key_dir = tempfile.mkdtemp(prefix="causerie-config-key-")
    key = os.path.join(key_dir, "agents.key")
    with open(key, "w") as f:
        f.write("sk-readme-example\n")
    config = re.sub(r"(api_key_file = )\S+", lambda m: m.group(1) + key, config)
    # ... and so is the access log.
    access_log = os.path.join(key_dir, "access.log")
    config = re.sub(r"(access_log = )\S+", lambda m: m.group(1) + access_log, config)
    check("access_log = " + access_log in config, "the README's [server] access_log is replaced")
    # ... and the shared attachments folder.
    attach_dir = os.path.join(key_dir, "attachments")
    config = re.sub(r"(\ndir = )\S+", lambda m: m.group(1) + attach_dir, config)
    check("dir = " + attach_dir in config, "the README's [attachments] dir is replaced")
    status, out, err, path = run(config)
    check("listening on" in out and "metrics on" in out,
          "every key of the README's configuration block is accepted (%r)" % (out.strip() or err.strip()))
    check("sk-readme-example" not in out + err, "and the agents' API key is not logged")
    check(os.path.exists(access_log), "the access log is opened at start-up")
    shutil.rmtree(key_dir, ignore_errors=True)


main()

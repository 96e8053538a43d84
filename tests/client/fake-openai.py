#!/usr/bin/python3
# fake-openai.py: a tiny OpenAI-compatible chat-completions endpoint for the
# client and UI tests of agents (issue 14). POST .../chat/completions with
# "stream": true answers text/event-stream: the words of the answer one
# `data:` chunk at a time with a pause between them, then `data: [DONE]`.
# When the last message of the request contains "please fail", it answers
# 500 instead (the agent's error path). Prints "listening on http://HOST:PORT"
# on its first line. Usage: fake-openai.py [--delay SECONDS] [--answer TEXT]
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--delay", type=float, default=0.4)
parser.add_argument("--answer", default="Hello from the agent. The build is green and the tests pass.")
parser.add_argument("--port", type=int, default=0)
args = parser.parse_args()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("fake-openai: " + (fmt % a) + "\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            request = {}
        messages = request.get("messages") or [{}]
        last = str(messages[-1].get("content", ""))
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        if "please fail" in last:
            body = b'{"error": {"message": "the model is on fire"}}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        words = args.answer.split(" ")
        try:
            for i, word in enumerate(words):
                piece = word if i == 0 else " " + word
                chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                self.wfile.flush()
                time.sleep(args.delay)
            usage = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": 42, "completion_tokens": len(words)}}
            self.wfile.write(b"data: " + json.dumps(usage).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
server.daemon_threads = True
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()

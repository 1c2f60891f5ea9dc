#!/usr/bin/python3
"""Slipway's Grafana stand-in (NOT Grafana): checks what the real server would need at start-up
and answers GET /api/health. Exits non-zero, with the reason, when a check fails."""
import http.server
import json
import os
import re
import sqlite3
import sys


def fail(message):
    print(f'logger=standin level=error msg="{message}"', file=sys.stderr, flush=True)
    sys.exit(1)


def readable_tree(root):
    """Every directory listable and every file readable under root (Grafana reads them all)."""
    if not os.path.isdir(root):
        fail(f"provisioning directory {root} does not exist")
    for directory, _dirs, files in os.walk(root, onerror=lambda e: fail(f"cannot read {e.filename}: {e.strerror}")):
        for name in files:
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    f.read()
            except OSError as e:
                fail(f"cannot read {path}: {e.strerror}")


def dashboards(provisioning):
    """The `path:` of every dashboard provider; each must hold readable, valid JSON dashboards."""
    providers = os.path.join(provisioning, "dashboards")
    for name in sorted(os.listdir(providers)) if os.path.isdir(providers) else []:
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(providers, name), encoding="utf-8") as f:
            for path in re.findall(r"^\s*path:\s*['\"]?([^'\"\s]+)", f.read(), re.M):
                try:
                    entries = sorted(os.listdir(path))
                except OSError as e:
                    fail(f"failed to provision dashboards: cannot read {path}: {e.strerror}")
                for entry in entries:
                    if entry.endswith(".json"):
                        try:
                            with open(os.path.join(path, entry), encoding="utf-8") as d:
                                json.load(d)
                        except (OSError, ValueError) as e:
                            fail(f"failed to provision dashboard {os.path.join(path, entry)}: {e}")


def main():
    if sys.argv[1:2] != ["server"]:
        fail("usage: grafana server")
    provisioning = os.environ.get("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning")
    data = os.environ.get("GF_PATHS_DATA", "/var/lib/grafana")
    readable_tree(provisioning)
    dashboards(provisioning)
    try:
        sqlite3.connect(os.path.join(data, "grafana.db")).execute("create table if not exists standin (k text)").connection.commit()
    except sqlite3.Error as e:
        fail(f"cannot open the database in {data}: {e}")
    if not os.environ.get("GF_SECURITY_ADMIN_PASSWORD"):
        print('logger=standin level=warn msg="no admin password set: real Grafana would use its default"', file=sys.stderr)
    port = int(os.environ.get("GF_SERVER_HTTP_PORT", "3000"))

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            ok = self.path.split("?")[0] == "/api/health"
            body = json.dumps({"database": "ok", "version": "standin", "commit": "slipway-standin"} if ok else {"message": "Not found"}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    print(f'logger=standin level=info msg="HTTP Server Listen" address=[::]:{port} (Slipway stand-in, not Grafana)', flush=True)
    http.server.ThreadingHTTPServer(("0.0.0.0", port), Health).serve_forever()


main()

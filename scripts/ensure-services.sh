#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost; start them if installed but down.
set -u
pg_up() { python3 - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", 5432)); sys.exit(0)
except OSError:
    sys.exit(1)
PY
}
redis_up() { python3 - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", 6379)); s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}
if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    sleep 2
  fi
fi
if ! pg_up; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432. Install and start it, e.g.:" >&2
  echo "  apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect 15 main start" >&2
  echo "(the storage and API tests run against both SQLite and PostgreSQL; set KLARSVAR_TEST_POSTGRES_URL to use another server)" >&2
  exit 1
fi
if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    sleep 1
  fi
fi
if ! redis_up; then
  echo "Redis is not reachable on 127.0.0.1:6379. Install and start it, e.g.:" >&2
  echo "  apt-get install -y redis-server && redis-server --daemonize yes --port 6379 --save ''" >&2
  exit 1
fi
echo "services: PostgreSQL and Redis are up"

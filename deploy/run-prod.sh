#!/usr/bin/env bash
# Parcours in production on one machine: the web server (gunicorn), the background
# worker and the inbound email daemon, in the foreground; Ctrl+C or SIGTERM stops all
# three cleanly, and if one of them ends the others are stopped too. Used by
# `make prod`; the environment is described in docs/configuration.md and docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-parcours.settings.prod}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
: "${SECRET_KEY:?SECRET_KEY must be set}"
case "$DATABASE_URL" in
  postgres*) ;;
  *) echo "make prod runs against PostgreSQL; DATABASE_URL is $DATABASE_URL" >&2; exit 2 ;;
esac

"$BIN/python" manage.py collectstatic --noinput --verbosity 0
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py createcachetable
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

pids=()
stop() {
  trap - INT TERM
  echo "Stopping Parcours (${pids[*]})..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM

"$BIN/gunicorn" parcours.wsgi:application --config deploy/gunicorn.conf.py &
pids+=($!)
"$BIN/python" manage.py run_worker &
pids+=($!)
if "$BIN/python" manage.py help inbound_smtp >/dev/null 2>&1; then
  "$BIN/python" manage.py inbound_smtp &
  pids+=($!)
fi
echo "Parcours: web on ${PARCOURS_BIND:-127.0.0.1:8001}, worker, inbound SMTP on ${PARCOURS_INBOUND_HOST:-127.0.0.1}:${PARCOURS_INBOUND_PORT:-2525} (pids ${pids[*]})"

set +e
wait -n "${pids[@]}"
status=$?
echo "A Parcours process ended (status $status): stopping the others." >&2
stop
exit "$status"

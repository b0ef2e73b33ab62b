#!/usr/bin/env bash
# Run after every install or upgrade, as the service user, with the environment of the services:
#   sudo -u plansupervisor bash -c 'set -a; . /etc/plansupervisor/env; set +a; exec config/deploy/release.sh'
# Then restart the three services.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
"$PY" manage.py migrate --noinput
"$PY" manage.py refresh_work_lists
"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py check --deploy --fail-level WARNING

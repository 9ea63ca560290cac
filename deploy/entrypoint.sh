#!/bin/sh
# One image, two roles: `web` (gunicorn, the default) or `worker` (background tasks and the
# recurring jobs). Anything else is run as given (e.g. `python manage.py migrate`).
set -e
case "${1:-web}" in
    web)
        exec gunicorn lumira.wsgi --bind "0.0.0.0:${PORT}" --workers "${WEB_CONCURRENCY:-2}" \
            --access-logfile - --forwarded-allow-ips='*'
        ;;
    worker)
        exec python manage.py run_worker --no-reload
        ;;
    *)
        exec "$@"
        ;;
esac

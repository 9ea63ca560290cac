# Oracle Lumira: one Django project; the image runs either role, `web` (gunicorn, the default)
# or `worker` (`manage.py run_worker`): `docker run IMAGE worker`.
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

RUN useradd --create-home --uid 10001 lumira

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY . .

# Static files are hashed and compressed at build time; whitenoise serves them. (French is the
# source language; the catalogues are committed compiled: locale/en, and locale/fr for the
# task queue's labels.)
RUN SECRET_KEY=build-only DEBUG=0 PAYMENTS_DEMO=1 python manage.py collectstatic --noinput \
    && mkdir -p /app/private_media && chown -R lumira:lumira /app/private_media

USER lumira
EXPOSE 8000
# /healthz is exempt from the HTTPS redirect; the Host header must be one of ALLOWED_HOSTS.
# (For the web role; a worker's container turns it off, see README's compose layout.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0]; u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ['PORT'], headers={'Host': host}), timeout=4)"
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]

# Spaning: one image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system spaning \
    && useradd --system --gid spaning --home-dir /app --shell /usr/sbin/nologin spaning

# Pango (with its HarfBuzz and fontconfig) lays out the monthly report's text for WeasyPrint;
# Cairo draws the signal radar's PNG (CairoSVG). The fonts themselves are bundled in static/.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# Static files are collected into the image; WhiteNoise serves them with hashed names.
# The build needs settings to import, not real secrets: these values never leave this step.
RUN DEBUG=0 SECRET_KEY=build-only-collectstatic-not-a-secret ALLOWED_HOSTS=build.invalid \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media /var/lib/spaning/beat \
    && chown -R spaning:spaning /app/media /var/lib/spaning

USER spaning
EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (default 1). Health: GET /healthz/ (docker-compose.yml).
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]

# Learning Loop: one image for the web server, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    LEARNINGLOOP_RUN_DIR=/var/lib/learningloop

# WeasyPrint (PDFs) needs Pango >= 1.44 and at least one font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 10001 learningloop \
    && mkdir -p /var/lib/learningloop \
    && chown learningloop:learningloop /var/lib/learningloop

WORKDIR /app

# The pinned runtime dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected into the image (whitenoise serves them). Production
# settings refuse to load without a real key, so the build uses a throwaway one.
RUN LEARNINGLOOP_ENV=production LEARNINGLOOP_RUN_DIR=/tmp/build-run \
        SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-run

USER learningloop
EXPOSE 8000
# Workers, threads and timeout from the environment (GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT): config/gunicorn.py
CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The URLconf, and with it every view, form and serializer module, loaded now rather than by each worker's first
# request: under gunicorn (preload_app) the master loads them once, and its pre_fork hook freezes them for the
# workers (config/gunicorn.py).
get_resolver().url_patterns  # noqa: B018 - loading is the point

# The release's digest, which every kept figure's and page's key names (partnership.figures_cache): reading the code
# and templates takes about 50 ms, paid here by the master once, not by each worker's first request.
from partnership.figures_cache import release  # noqa: E402 - after the application is set up

release()

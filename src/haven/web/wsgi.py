"""WSGI entry point (`haven serve` runs it under waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")
application = get_wsgi_application()

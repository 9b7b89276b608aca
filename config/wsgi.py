import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process: moving it to the
# permanent generation keeps the collector from walking ~200k long-lived objects on every full collection
# (measured: about 3 ms of a 40 ms feed page). Only the collector's bookkeeping changes, not what is freed.
gc.freeze()

"""`manage.py runmodwsgi` under mod_wsgi 4's app name: the same command as mod_wsgi.express's."""
from mod_wsgi.express.management.commands.runmodwsgi import Command  # noqa: F401

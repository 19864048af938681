"""mod_wsgi-swift's Python package: mod_wsgi-express (mod_wsgi.express.cli) and the Django app
that adds `manage.py runmodwsgi` (`mod_wsgi.express`, or mod_wsgi 4's name `mod_wsgi.server`).

Inside a daemon process `mod_wsgi` is the daemon's own built-in module; this package's __path__
is what lets `mod_wsgi.server` and `mod_wsgi.express` be imported there too (a Django app listing
them in INSTALLED_APPS is loaded in the daemon)."""
import pkgutil

__path__ = pkgutil.extend_path(__path__, __name__)

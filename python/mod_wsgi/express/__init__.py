"""mod_wsgi-express as installed by pip: `cli.main` runs the bundled program (programs.py says
where it is); as a Django app this package adds `manage.py runmodwsgi`."""

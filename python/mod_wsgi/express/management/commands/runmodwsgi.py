"""`python manage.py runmodwsgi [mod_wsgi-express start-server options]`: serves this Django
project with Apache and mod_wsgi-swift.

The command works out what express needs from the settings (the application from
WSGI_APPLICATION, the project folder as working directory and python path, STATIC_ROOT and
MEDIA_ROOT served by Apache at their URLs) and runs the bundled mod_wsgi-express `start-server`
with those, then every option given on the command line, which express itself parses: so every
express option works here, `--setup-only` writes the server root for `apachectl` instead of
starting, and an unknown option is express's error. The daemon runs with this Python's prefix
(the venv) as its Python home."""
import os
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mod_wsgi.express import programs

# The end of Django's part of --help: the options it lists are Django's own.
HELP_EPILOG = ("Every other option is a mod_wsgi-express start-server option, listed below "
               "(e.g. --port, --user, --setup-only, --server-root, --reload-on-changes); the "
               "application, the project folder and the static and media aliases come from the "
               "settings.")


class PassThroughParser(CommandParser):
    """Keeps the options it does not know, in order, for mod_wsgi-express; its help ends with
    express's own list of options."""

    def parse_args(self, args=None, namespace=None):
        namespace, express_args = self.parse_known_args(args, namespace)
        namespace.express_args = express_args
        return namespace

    def print_help(self, file=None):
        super().print_help(file)
        try:
            program = programs.express_program()
        except programs.MissingProgram:
            return
        out = file or sys.stdout
        out.write("\n")
        out.flush()
        help_text = subprocess.run([program, "start-server", "--help"], capture_output=True, text=True)
        out.write(help_text.stdout)
        if help_text.returncode != 0:
            out.write(f"({program} start-server --help failed: {help_text.stderr.strip()})\n")


class Command(BaseCommand):
    help = "Starts Apache with mod_wsgi-swift serving this project (mod_wsgi-express start-server)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # No abbreviations: '--set' must reach express, not be taken for Django's '--settings'.
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("epilog", HELP_EPILOG)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = PassThroughParser
        return parser

    def handle(self, *args, express_args=(), **options):
        from django.conf import settings

        express_args = list(args) + list(express_args)
        command = [programs.EXPRESS, "start-server"] + project_options(settings, express_args) + express_args
        try:
            program = programs.express_program()
        except programs.MissingProgram as error:
            raise CommandError(str(error))
        self.stdout.flush()
        sys.stderr.flush()
        # express prints where the server root is and, without --setup-only, runs Apache in the
        # foreground; Ctrl-C reaches it directly.
        os.execve(program, command, programs.express_environment())


def project_options(settings, express_args):
    """The express options that serve this project, before the user's own (which come later and
    so take precedence where an option is given once)."""
    module, callable_object = application_entry(settings)
    working_directory = project_folder(settings)
    options = ["--application-type", "module", "--entry-point", module,
               "--callable-object", callable_object, "--python-path", working_directory]
    if not given(express_args, "--working-directory"):
        options += ["--working-directory", working_directory]
    for url_path, folder in static_aliases(settings):
        options += ["--url-alias", url_path, folder]
    return options


def application_entry(settings):
    """'project.wsgi.application' -> ('project.wsgi', 'application')."""
    name = getattr(settings, "WSGI_APPLICATION", None)
    if not name or "." not in name:
        raise CommandError(f"WSGI_APPLICATION must name the WSGI callable as module.attribute, "
                           f"not {name!r}")
    module, _, callable_object = str(name).rpartition(".")
    return module, callable_object


def project_folder(settings):
    """BASE_DIR, or else the folder above the settings module's top-level package: the folder
    from which the WSGI module can be imported."""
    base = getattr(settings, "BASE_DIR", None)
    if base:
        return os.path.abspath(str(base))
    top_package = os.environ["DJANGO_SETTINGS_MODULE"].split(".")[0]
    package_file = sys.modules[top_package].__file__
    return os.path.dirname(os.path.dirname(os.path.abspath(package_file)))


def static_aliases(settings):
    """(url path, folder) for STATIC and MEDIA, as Apache should serve them; none for static
    files when WhiteNoise serves them from the application."""
    middleware = getattr(settings, "MIDDLEWARE", None) or []
    aliases = []
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in middleware:
        aliases.append((getattr(settings, "STATIC_URL", None), getattr(settings, "STATIC_ROOT", None)))
    aliases.append((getattr(settings, "MEDIA_URL", None), getattr(settings, "MEDIA_ROOT", None)))
    # Only local paths can be served: a full URL (a CDN) or an unset root is left alone.
    return [(str(url).rstrip("/") or "/", str(root)) for url, root in aliases
            if url and root and str(url).startswith("/")]


def given(express_args, option):
    return any(arg == option or arg.startswith(option + "=") for arg in express_args)

"""The PEP 517 build backend of mod_wsgi-swift, standard library only (pyproject.toml names it
with backend-path, so nothing has to be fetched to build).

A wheel holds the `mod_wsgi` Python package from python/mod_wsgi, with the programs `make build`
makes (the Apache module, the daemon and mod_wsgi-express) side by side in mod_wsgi/server/, where
each finds the next: express finds the module beside itself, the module finds the daemon."""
import os

from . import native_build, project, sdist_writer, wheel_writer

SOURCE_ROOT = os.getcwd()  # PEP 517: hooks run in the source tree


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    meta = project.load(SOURCE_ROOT)
    dist_info = os.path.join(metadata_directory, meta.dist_info_name)
    os.makedirs(dist_info, exist_ok=True)
    for name, data in meta.dist_info_files(wheel_tag=native_build.wheel_tag()).items():
        with open(os.path.join(dist_info, name), "wb") as f:
            f.write(data)
    return meta.dist_info_name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    meta = project.load(SOURCE_ROOT)
    programs = native_build.run(SOURCE_ROOT)
    tag = native_build.wheel_tag()
    return wheel_writer.write(wheel_directory, meta, tag,
                              package_root=os.path.join(SOURCE_ROOT, "python"),
                              programs=programs)


def build_sdist(sdist_directory, config_settings=None):
    return sdist_writer.write(sdist_directory, project.load(SOURCE_ROOT), SOURCE_ROOT)

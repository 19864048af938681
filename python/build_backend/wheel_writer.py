"""Writes a wheel (PEP 427): the `mod_wsgi` package, the built programs inside it, the dist-info
files and a RECORD listing every file with its hash, so `pip uninstall` removes all of it."""
import base64
import hashlib
import os
import stat
import zipfile

# Where the programs go inside the wheel: together, because each finds the next beside itself.
PROGRAMS_FOLDER = "mod_wsgi/server"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the same bytes from the same build


def package_files(package_root):
    """(archive name, path) of every file of python/mod_wsgi, without bytecode."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(package_root, "mod_wsgi")):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, name)
            found.append((os.path.relpath(path, package_root).replace(os.sep, "/"), path))
    return found


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def write(wheel_directory, meta, tag, package_root, programs):
    wheel_name = f"{meta.distribution}-{meta.version}-{tag}.whl"
    final_path = os.path.join(wheel_directory, wheel_name)
    partial_path = final_path + ".partial"
    record = []

    with zipfile.ZipFile(partial_path, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        def add(name, data, mode):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
            record.append(record_line(name, data))

        for name, path in package_files(package_root):
            with open(path, "rb") as f:
                add(name, f.read(), 0o644)
        for program, path in sorted(programs.items()):
            with open(path, "rb") as f:
                add(f"{PROGRAMS_FOLDER}/{program}", f.read(), 0o755)
        for name, data in meta.dist_info_files(wheel_tag=tag).items():
            add(f"{meta.dist_info_name}/{name}", data, 0o644)
        record_name = f"{meta.dist_info_name}/RECORD"
        info = zipfile.ZipInfo(record_name, date_time=FIXED_DATE)
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        wheel.writestr(info, "".join(record) + f"{record_name},,\n")

    os.replace(partial_path, final_path)
    return wheel_name

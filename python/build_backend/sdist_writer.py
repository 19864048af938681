"""Writes a source distribution: the files git tracks (or, outside a git checkout, the tree
without build output), under NAME-VERSION/, with a PKG-INFO."""
import io
import os
import subprocess
import tarfile

BUILD_OUTPUT = {".build", "build", ".git", "__pycache__"}


def source_files(source_root):
    result = subprocess.run(["git", "ls-files", "-z"], cwd=source_root, capture_output=True)
    if result.returncode == 0:
        return sorted(name for name in result.stdout.decode().split("\0") if name)
    found = []
    for dirpath, dirnames, filenames in os.walk(source_root):
        dirnames[:] = sorted(d for d in dirnames if d not in BUILD_OUTPUT and not d.startswith(".build"))
        found += [os.path.relpath(os.path.join(dirpath, f), source_root) for f in filenames]
    return sorted(found)


def write(sdist_directory, meta, source_root):
    base = f"{meta.distribution}-{meta.version}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for relative in source_files(source_root):
            tar.add(os.path.join(source_root, relative), arcname=f"{base}/{relative}", recursive=False)
        pkg_info = meta.metadata()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(pkg_info))
    return name

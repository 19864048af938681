"""The project's metadata, from pyproject.toml's [project] table, rendered as the dist-info files
a wheel carries (METADATA, WHEEL, entry_points.txt)."""
import os
import re

try:
    import tomllib
except ImportError as error:  # Python < 3.11
    raise RuntimeError("mod_wsgi-swift builds with Python 3.11 (the Python its daemon embeds); "
                       "this is an older one") from error

GENERATOR = "mod_wsgi-swift build_backend"


class Project:
    def __init__(self, table, readme_text):
        self.name = table["name"]
        self.version = table["version"]
        self.summary = table.get("description", "")
        self.requires_python = table.get("requires-python")
        self.scripts = dict(table.get("scripts", {}))
        self.readme_text = readme_text

    @property
    def distribution(self):
        """The name as wheel and sdist file names spell it (PEP 427/625)."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def dist_info_name(self):
        return f"{self.distribution}-{self.version}.dist-info"

    def metadata(self):
        lines = ["Metadata-Version: 2.1", f"Name: {self.name}", f"Version: {self.version}",
                 f"Summary: {self.summary}"]
        if self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python}")
        if self.readme_text is not None:
            lines.append("Description-Content-Type: text/markdown")
            return ("\n".join(lines) + "\n\n" + self.readme_text).encode()
        return ("\n".join(lines) + "\n").encode()

    def dist_info_files(self, wheel_tag):
        """name -> bytes for everything in the dist-info folder except RECORD."""
        wheel = (f"Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: false\n"
                 f"Tag: {wheel_tag}\n")
        files = {"METADATA": self.metadata(), "WHEEL": wheel.encode()}
        if self.scripts:
            entries = "".join(f"{name} = {target}\n" for name, target in self.scripts.items())
            files["entry_points.txt"] = ("[console_scripts]\n" + entries).encode()
        return files


def load(source_root):
    with open(os.path.join(source_root, "pyproject.toml"), "rb") as f:
        table = tomllib.load(f)["project"]
    readme_text = None
    if "readme" in table:
        with open(os.path.join(source_root, table["readme"]), encoding="utf-8") as f:
            readme_text = f.read()
    return Project(table, readme_text)

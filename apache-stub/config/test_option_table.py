"""The module's side of the WSGIDaemonProcess contract, against protocol/daemon-options.tsv: every
name in the table is accepted, its range is the table's, and a group written without an option
carries the table's default in the supervisor config. (The daemon's side is
Tests/WireProtocolTests/DaemonOptionTableTests.swift.)"""
import pathlib

import pytest

from config_apache_server import requires_module
from test_config_supervisor import module_copy, started_server  # noqa: F401 (a fixture)

pytestmark = requires_module

TABLE = pathlib.Path(__file__).resolve().parents[2] / "protocol" / "daemon-options.tsv"
# A valid value of each kind that is not a number.
SAMPLES = {"user": "www-data", "group": "www-data", "group-list": "www-data", "umask": "022",
           "path": "/tmp", "string": "x", "seconds": "0.5", "on-off": "On", "owner-user": "root",
           "owner-group": "root"}
LONG_MAX = 2**63 - 1


def rows():
    found = []
    for line in TABLE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, kind, minimum, maximum, default = line.split("\t")
            found.append((name, kind, minimum, maximum, default))
    return found


def sample(name, kind, minimum):
    return minimum if kind in ("int", "zero-or-min") else SAMPLES[kind]


def configtest(server_factory, options):
    return server_factory(f"WSGIDaemonProcess g {options}").configtest()


def test_the_table_has_every_option_once():
    names = [row[0] for row in rows()]
    assert len(names) == len(set(names)) == 44


def test_the_module_accepts_every_name_of_the_table(server_factory):
    # script-user and script-group exclude each other; user= and socket-user= need a non-root user.
    options = " ".join(f"{name}={sample(name, kind, minimum)}" for name, kind, minimum, _, _ in rows()
                       if name != "script-group")
    status, output = configtest(server_factory, options)
    assert status == 0, output


@pytest.mark.parametrize("name,kind,minimum,maximum", [row[:4] for row in rows()
                                                       if row[1] in ("int", "zero-or-min")])
def test_the_module_takes_the_range_of_the_table(server_factory, name, kind, minimum, maximum):
    low, high = int(minimum), int(maximum)
    assert configtest(server_factory, f"{name}={low}")[0] == 0
    assert configtest(server_factory, f"{name}={high}")[0] == 0
    below = low - 1
    if not (kind == "zero-or-min" and below == 0) and below >= -LONG_MAX:
        status, output = configtest(server_factory, f"{name}={below}")
        assert status != 0 and f"for option '{name}'" in output, output
    if high < LONG_MAX:
        status, output = configtest(server_factory, f"{name}={high + 1}")
        assert status != 0 and f"for option '{name}'" in output, output


def test_the_supervisor_config_carries_the_tables_defaults(server_factory, module_copy):
    server, found, config_of = started_server(server_factory, module_copy)
    _, groups = config_of(next(iter(found)))
    second = groups["second"]   # WSGIDaemonProcess second threads=4 connect-timeout=1
    for name, _, _, _, default in rows():
        if name in ("threads", "connect-timeout"):
            continue
        if default == "-":
            if name not in ("user", "group"):   # Apache's User and Group
                assert name not in second, f"{name} written without being given"
        elif name == "socket-timeout":
            assert second[name] == "77"   # 0 means Apache's Timeout, resolved at start-up
        else:
            assert second.get(name) == default, name

"""Application groups through real Apache: each group other than %{GLOBAL} runs in its own
sub-interpreter of the daemon process, created on first use and reused after."""
import json
import os
import shutil

import pytest

GROUPS = """
WSGIDaemonProcess site processes=1 threads=4 user=www-data group=www-data
WSGIDaemonProcess single processes=1 threads=1 user=www-data group=www-data
WSGIProcessGroup site
WSGIScriptAlias /a @APP@/a.wsgi application-group=one
WSGIScriptAlias /b @APP@/b.wsgi application-group=two
WSGIScriptAlias /g @APP@/a.wsgi application-group=%{GLOBAL}
WSGIScriptAlias /bad @APP@/syntax_error.wsgi application-group=two
WSGIScriptAlias /local @APP@/a.wsgi process-group=single application-group=one
WSGIScriptAlias /resource @APP@/b.wsgi
"""


@pytest.fixture
def groups(apache):
    server = apache(GROUPS, apps=["group_probe.wsgi", "syntax_error.wsgi"], start=False)
    for name in ("a.wsgi", "b.wsgi"):
        shutil.copy(os.path.join(server.app_dir, "group_probe.wsgi"), os.path.join(server.app_dir, name))
    return server.start()


def probe(server, path):
    status, _, body = server.get(path)
    assert status == 200, body
    return json.loads(body)


def test_each_group_has_its_own_interpreter_and_a_name_reuses_it(groups):
    one, two, main = probe(groups, "/a"), probe(groups, "/b"), probe(groups, "/g")
    assert one["pid"] == two["pid"] == main["pid"], "one daemon process serves all three"
    assert len({one["modules"], two["modules"], main["modules"]}) == 3, "sys.modules is not shared"
    assert (one["count"], two["count"], main["count"]) == (1, 1, 1), "module globals are not shared"
    assert (one["application_group"], two["application_group"]) == ("one", "two")
    assert one["argv"] == two["argv"] == ["mod_wsgi"]
    again = probe(groups, "/a")
    assert again["modules"] == one["modules"] and again["count"] == 2, "group one is reused"
    assert probe(groups, "/g")["count"] == 2


def test_global_is_the_main_interpreter(groups):
    main = probe(groups, "/g")
    assert main["application_group"] == "" and main["environ_group"] == ""
    assert "interpreter for application group ''" not in groups.log(), "no sub-interpreter for %{GLOBAL}"


def test_default_group_is_the_resource_and_gets_its_own_interpreter(groups):
    resource = probe(groups, "/resource")
    assert resource["application_group"] == f"127.0.0.1:{groups.port}|/resource"
    assert resource["modules"] != probe(groups, "/g")["modules"]


def test_threading_local_survives_across_requests_in_a_group(groups):
    # process-group= and application-group= on the alias preload the script into group one's
    # sub-interpreter when the 'single' process starts.
    groups.wait_for_log("Created the Python interpreter for application group 'one'.")
    assert [probe(groups, "/local")["local"] for _ in range(3)] == [1, 2, 3]


def test_a_syntax_error_in_one_group_does_not_affect_another(groups):
    assert probe(groups, "/a")["count"] == 1
    status, _, _ = groups.get("/bad")
    assert status == 500
    groups.wait_for_log("SyntaxError")
    assert probe(groups, "/b")["application_group"] == "two", "the failing script's own group still works"
    assert probe(groups, "/a")["count"] == 2


def test_sub_interpreters_end_cleanly_when_apache_stops(groups):
    probe(groups, "/a")
    probe(groups, "/b")
    groups.stop()
    log = groups.log()
    assert "Ended the Python interpreter for application group 'one'." in log
    assert "Ended the Python interpreter for application group 'two'." in log
    assert "Fatal Python error" not in log and "Exception ignored" not in log
    assert not groups.descendants_left()


SHADOWED = r'''
import mod_wsgi
def application(environ, start_response):
    metrics = mod_wsgi.process_metrics()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("cpu %s" % (metrics["cpu_user_time"] >= 0)).encode()]
'''


@pytest.mark.parametrize("group", ["%{GLOBAL}", "sub"])
def test_application_files_named_like_standard_modules_do_not_replace_the_daemons(apache, group):
    """An application's own resource.py or logging.py sits first on sys.path (home=), and the
    daemon's helpers must still find the standard modules."""
    server = apache(f"""
WSGIDaemonProcess shadow threads=2 home=@APP@
WSGIScriptAlias / @APP@/shadowed.wsgi process-group=shadow application-group={group}
""", start=False)
    for name in ("shadowed.wsgi", "resource.py", "logging.py", "traceback.py", "signal.py"):
        path = os.path.join(server.app_dir, name)
        with open(path, "w") as f:
            f.write(SHADOWED if name == "shadowed.wsgi" else "raise ImportError('the application\\'s own %s')\n" % name)
        os.chmod(path, 0o644)
    server.start()
    status, _, body = server.get("/")
    assert (status, body) == (200, b"cpu True"), server.log()

"""WSGI* directives checked by a real `apache2 -t`: good configs pass, bad ones fail with an
error that names the cause."""
import os

import pytest

from config_apache_server import GOOD_GROUP, REPO, requires_module

pytestmark = requires_module


# ---- configtest: errors name the cause ----

@pytest.mark.parametrize("body, expected", [
    ("WSGIDaemonProcess g bogus-option=1",
     "WSGIDaemonProcess g: unknown option 'bogus-option'"),
    ("WSGIDaemonProcess g processes",
     "'processes' is not of the form name=value"),
    ("WSGIDaemonProcess g threads=many",
     "bad value 'many' for option 'threads'"),
    ("WSGIDaemonProcess g processes=0",
     "bad value '0' for option 'processes': it must be a whole number of at least 1"),
    ("WSGIDaemonProcess g cpu-priority=30",
     "bad value '30' for option 'cpu-priority': it must be a whole number from -20 to 20"),
    ("WSGIDaemonProcess g header-buffer-size=100",
     "bad value '100' for option 'header-buffer-size': it must be 0 or a whole number from 8192 to 2147483647"),
    ("WSGIDaemonProcess g home=relative/dir",
     "bad value 'relative/dir' for option 'home': it must be an absolute path"),
    ("WSGIDaemonProcess g umask=999",
     "bad value '999' for option 'umask'"),
    ("WSGIDaemonProcess g server-metrics=maybe",
     "bad value 'maybe' for option 'server-metrics': it must be On or Off"),
    ("WSGIDaemonProcess g user=root",
     "bad value 'root' for option 'user': it would run WSGI code as root, which is not allowed"),
    ("WSGIDaemonProcess g user=#0",
     "bad value '#0' for option 'user': it would run WSGI code as root"),
    ("WSGIDaemonProcess g group=root",
     "bad value 'root' for option 'group': it would run WSGI code with the root group, which is "
     "not allowed"),
    ("WSGIDaemonProcess g group=#0",
     "bad value '#0' for option 'group': it would run WSGI code with the root group"),
    ("WSGIDaemonProcess g supplementary-groups=www-data,root",
     "bad value 'www-data,root' for option 'supplementary-groups': it has 'root', the root group"),
    ("WSGIDaemonProcess g socket-timeout=2147484",
     "bad value '2147484' for option 'socket-timeout': it must be a whole number from 0 to 2147483"),
    ("WSGIDaemonProcess g connect-timeout=99999999999",
     "bad value '99999999999' for option 'connect-timeout': it must be a whole number from 0 to"),
    ("WSGISocketPrefix /tmp/wsgi",
     "WSGISocketPrefix /tmp/wsgi: /tmp (for socket prefix /tmp/wsgi) is writable by all users "
     "(mode 1777)"),
    ("WSGIDaemonProcess g user=no-such-user-xyz",
     "bad value 'no-such-user-xyz' for option 'user': it names no user on this system"),
    ("WSGIDaemonProcess g group=no-such-group-xyz",
     "bad value 'no-such-group-xyz' for option 'group': it names no group on this system"),
    ("WSGIDaemonProcess g threads=2 threads=3",
     "option 'threads' is given twice"),
    ("WSGIDaemonProcess g script-user=www-data script-group=www-data",
     "script-user and script-group cannot both be given"),
    ("WSGIDaemonProcess g\nWSGIDaemonProcess g threads=4",
     "WSGIDaemonProcess 'g' is already defined: group names must be unique"),
    ("WSGIScriptAlias /app /srv/app.wsgi process-group=missing",
     "WSGIScriptAlias: process group 'missing' is not defined"),
    ("<VirtualHost 127.0.0.1:*>\nServerName a.example\nWSGIDaemonProcess mine\n</VirtualHost>\n"
     "<VirtualHost 127.0.0.1:*>\nServerName b.example\n"
     "WSGIScriptAlias /app /srv/app.wsgi process-group=mine\n</VirtualHost>",
     "WSGIScriptAlias: process group 'mine' belongs to virtual host 'a.example' and cannot be "
     "used here"),
    ("WSGIDaemonProcess g\nWSGIScriptAlias /app /srv/app.wsgi process-group=g colour=blue",
     "WSGIScriptAlias: unknown option 'colour'"),
    ("WSGIDaemonProcess g\nWSGIScriptAlias /app /srv/app.wsgi pass-authorization=yes",
     "bad value 'yes' for option 'pass-authorization'"),
    ("WSGIScriptAliasMatch ^/(a[ /srv/$1.wsgi",
     "WSGIScriptAliasMatch: '^/(a[' is not a valid regular expression"),
    ("WSGIApplicationGroup %{NOPE}",
     "WSGIApplicationGroup: '%{NOPE}' is not a known form"),
    ("<VirtualHost 127.0.0.1:*>\nWSGISocketPrefix /tmp/x\n</VirtualHost>",
     "WSGISocketPrefix cannot occur within <VirtualHost> section"),
    ("<Location /x>\nWSGIDaemonProcess g\n</Location>",
     "WSGIDaemonProcess not allowed in <Location> context"),
])
def test_configtest_rejects_bad_config(server_factory, body, expected):
    code, output = server_factory(body).configtest()
    assert code != 0
    assert expected in output


def test_configtest_accepts_full_config(server_factory):
    body = f"""
{GOOD_GROUP}
WSGIDaemonProcess every processes=1 threads=0 user=#33 group=#33 supplementary-groups=www-data,#100 \\
    umask=0027 home=/tmp lang=en_US.UTF-8 locale=C.UTF-8 python-eggs=/tmp/eggs \\
    switch-interval=0.005 stack-size=524288 maximum-requests=100 startup-timeout=15 \\
    shutdown-timeout=5 deadlock-timeout=60 inactivity-timeout=0 request-timeout=60 \\
    interrupt-timeout=0 graceful-timeout=15 eviction-timeout=0 restart-interval=0 \\
    connect-timeout=15 socket-timeout=60 queue-timeout=45 listen-backlog=100 \\
    display-name='(wsgi:every)' send-buffer-size=0 receive-buffer-size=1024 \\
    header-buffer-size=0 response-buffer-size=0 response-socket-timeout=0 \\
    response-flush-delay=5 socket-user=www-data script-user=www-data cpu-time-limit=0 \\
    cpu-priority=-5 memory-limit=0 virtual-memory-limit=0 server-metrics=Off python-path=''
WSGISocketPrefix run/wsgi
WSGIPythonHome /usr
WSGIPythonPath /srv/a:/srv/b
WSGIProcessGroup example
WSGIApplicationGroup %{{GLOBAL}}
WSGICallableObject app
WSGIPassAuthorization On
WSGIChunkedRequest On
WSGIScriptAlias / /srv/app.wsgi process-group=example application-group=%{{GLOBAL}}
WSGIScriptAliasMatch ^/m/([^/]+) /srv/$1.wsgi process-group=%{{ENV:GROUP}} callable-object=app
<Location /other>
WSGIProcessGroup every
WSGIApplicationGroup %{{ENV:APP}}
</Location>
<VirtualHost 127.0.0.1:*>
ServerName site.example
WSGIDaemonProcess site
</VirtualHost>
<VirtualHost 127.0.0.1:*>
ServerName site.example
WSGIScriptAlias /site /srv/site.wsgi process-group=site
</VirtualHost>
"""
    code, output = server_factory(body).configtest()
    assert code == 0, output
    assert "Syntax OK" in output



# ---- the Debian sample ----

def test_debian_sample_conf_is_valid_with_every_setting_enabled(server_factory):
    sample = (REPO / "etc" / "debian" / "wsgi.conf").read_text()
    enabled = "\n".join(line.replace("#WSGI", "WSGI", 1) if line.strip().startswith("#WSGI")
                        else line for line in sample.splitlines())
    assert enabled.count("\n    WSGI") >= 5
    code, output = server_factory(enabled).configtest()
    assert code == 0, output
    assert (REPO / "etc" / "debian" / "wsgi.load").read_text() == "LoadModule wsgi_module @MODULE@\n"



# ---- the socket directory: root creates sockets there, so only root may write it ----

@pytest.mark.parametrize("mode, owner, expected", [
    (0o777, 0, "is writable by all users (mode 0777)"),
    (0o775, 0, "is writable by its group (mode 0775)"),
    (0o755, 33, "belongs to uid 33, not to root"),
])
def test_untrusted_socket_directory_fails_configtest(server_factory, tmp_path, mode, owner, expected):
    directory = tmp_path / "sockets"
    directory.mkdir()
    directory.chmod(mode)
    os.chown(directory, owner, 0)
    code, output = server_factory(f"WSGISocketPrefix {directory}/wsgi").configtest()
    assert code != 0
    assert f"WSGISocketPrefix {directory}/wsgi: {directory} (for socket prefix {directory}/wsgi)" in output
    assert expected in output


def test_socket_directory_below_a_writable_parent_fails_configtest(server_factory, tmp_path):
    parent = tmp_path / "shared"
    (parent / "sockets").mkdir(parents=True)
    parent.chmod(0o777)   # others could rename "sockets" away and put their own in its place
    code, output = server_factory(f"WSGISocketPrefix {parent}/sockets/wsgi").configtest()
    assert code != 0
    assert f"{parent} (for socket prefix {parent}/sockets/wsgi) is writable by all users" in output


# ---- every directive of mod_wsgi 6 ----

EVERY_DIRECTIVE = f"""
{GOOD_GROUP}
WSGIDaemonProcess service threads=0
WSGISocketPrefix run/wsgi
WSGISocketRotation Off
WSGIAcceptMutex default
WSGIVerboseDebugging Off
WSGIDontWriteBytecode On
WSGIPythonWarnings ignore::DeprecationWarning
WSGIPythonWarnings default::UserWarning
WSGIPythonOptimize 1
WSGIPythonHome /usr
WSGIPythonPath /srv/a:/srv/b
WSGIPythonEggs /tmp/eggs
WSGIPythonHashSeed 42
WSGISwitchInterval 0.005
WSGIDestroyInterpreter On
WSGIPerInterpreterGIL Off
WSGIFreeThreading Off
WSGIRestrictEmbedded On
WSGIRestrictStdin On
WSGIRestrictStdout On
WSGIRestrictSignal Off
WSGICaseSensitivity On
WSGIServerMetrics Off
WSGIPassApacheRequest Off
WSGIImportScript /srv/service.py process-group=service application-group=%{{GLOBAL}}
WSGIImportScript /srv/app.wsgi process-group=example application-group=site
WSGIHandlerScript my-handler /srv/handler.wsgi process-group=example application-group=%{{GLOBAL}}
WSGIScriptAlias /app /srv/app.wsgi process-group=example
WSGIScriptAliasMatch ^/m/([^/]+) /srv/$1.wsgi process-group=example
WSGIProcessGroup example
WSGIApplicationGroup %{{GLOBAL}}
WSGICallableObject application
WSGIPassAuthorization On
WSGIScriptReloading Off
WSGIErrorOverride On
WSGIChunkedRequest On
WSGIMapHEADToGET Auto
WSGIIgnoreActivity Off
WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Proto
WSGITrustedProxies 127.0.0.1 10.0.0.0/8 ::1
WSGIEnableSendfile On
WSGIRestrictProcess example service
<Location /static>
    SetHandler my-handler
    WSGIHandlerScript other /srv/other.wsgi
    WSGIProcessGroup example
    WSGIApplicationGroup %{{RESOURCE}}
    WSGIRestrictProcess example
    WSGICallableObject app
    WSGIPassAuthorization Off
    WSGIScriptReloading On
    WSGIErrorOverride Off
    WSGIChunkedRequest Off
    WSGIMapHEADToGET On
    WSGIIgnoreActivity On
    WSGITrustedProxyHeaders X-Real-IP
    WSGITrustedProxies 192.168.0.1
    WSGIEnableSendfile Off
    WSGIPassApacheRequest Off
    WSGIDispatchScript /srv/dispatch.py process-group=example application-group=%{{GLOBAL}}
    WSGIAccessScript /srv/access.py
    WSGIAuthUserScript /srv/auth.py application-group=auth
    WSGIAuthGroupScript /srv/auth.py process-group=service
    WSGIGroupAuthoritative Off
</Location>
WSGIDispatchScript /srv/dispatch.py
<WSGIInterpreterOptions process-group=example application-group=%{{GLOBAL}}>
    WSGIPythonPath /srv/lib
    WSGISwitchInterval 0.01
    WSGIRestrictStdin On
    WSGIRestrictStdout Off
    WSGIRestrictSignal On
    WSGIPerInterpreterGIL Off
    WSGIFreeThreading Off
</WSGIInterpreterOptions>
<VirtualHost 127.0.0.1:*>
    ServerName vhost.example
    WSGIDaemonProcess vhost
    WSGIScriptAlias / /srv/vhost.wsgi process-group=vhost
    WSGIHandlerScript vhost-handler /srv/handler.wsgi process-group=vhost
</VirtualHost>
"""


def test_configtest_accepts_every_directive_mod_wsgi_has(server_factory):
    """All of mod_wsgi's 49 directives but the telemetry ones, in the
    contexts mod_wsgi allows them (those, and the On forms that would mislead, are refused
    below)."""
    code, output = server_factory(EVERY_DIRECTIVE).configtest()
    assert code == 0, output
    assert "Syntax OK" in output


@pytest.mark.parametrize("body, expected", [
    ("WSGIDispatchScript /srv/dispatch.py colour=blue",
     "WSGIDispatchScript: unknown option 'colour'"),
    ("<Location /x>\nWSGIAuthUserScript\n</Location>", "WSGIAuthUserScript needs a script path"),
    ("<Location /x>\nWSGIAccessScript /srv/a.py application-group=%{NOPE}\n</Location>",
     "WSGIAccessScript: '%{NOPE}' is not a known form"),
    ("WSGIPassApacheRequest On", "WSGIPassApacheRequest On cannot work: the application runs "
     "in a daemon process"),
    ("WSGIPerInterpreterGIL On", "WSGIPerInterpreterGIL On needs Python 3.12 or later; the "
     "daemon processes embed Python 3.11"),
    ("WSGIFreeThreading On", "WSGIFreeThreading On needs a free-threaded Python"),
    ("<WSGIInterpreterOptions application-group=x>\nWSGIPythonHome /usr\n</WSGIInterpreterOptions>",
     "WSGIPythonHome is not allowed inside <WSGIInterpreterOptions>"),
    ("WSGITelemetryService unix:/tmp/t.sock", "WSGITelemetryService is not supported"),
    ("WSGISlowRequests 5", "WSGISlowRequests is not supported"),
    ("WSGITelemetryOptions +CaptureUserAgent", "WSGITelemetryOptions is not supported"),
    ("WSGIPythonOptimize 3", "WSGIPythonOptimize must be 0, 1 or 2, not '3'"),
    ("WSGIPythonHashSeed banana", "WSGIPythonHashSeed must be 'random' or a number"),
    ("WSGISwitchInterval -1", "WSGISwitchInterval must be a number of seconds greater than 0"),
    ("WSGIRestrictStdin maybe", "WSGIRestrictStdin must be On or Off, not 'maybe'"),
    ("WSGIMapHEADToGET Sometimes", "WSGIMapHEADToGET must be On, Off or Auto, not 'Sometimes'"),
    ("WSGIAcceptMutex spinlock", "WSGIAcceptMutex must be one of default, flock"),
    ("WSGITrustedProxies proxy.example", "WSGITrustedProxies: 'proxy.example' is not an IP "
     "address or subnet"),
    ("<VirtualHost 127.0.0.1:*>\nWSGIPythonOptimize 1\n</VirtualHost>",
     "WSGIPythonOptimize cannot occur within <VirtualHost> section"),
    ("WSGIImportScript /srv/x.py process-group=missing application-group=%{GLOBAL}",
     "WSGIImportScript: process group 'missing' is not defined"),
    ("WSGIDaemonProcess g\nWSGIImportScript /srv/x.py process-group=g",
     "WSGIImportScript needs both process-group= and application-group="),
    ("WSGIHandlerScript only-a-name", "WSGIHandlerScript needs a handler name and a script path"),
    ("WSGIHandlerScript h /srv/h.wsgi colour=blue", "WSGIHandlerScript: unknown option 'colour'"),
    ("WSGIRestrictProcess", "WSGIRestrictProcess needs at least one process group name"),
])
def test_configtest_refuses_with_the_reason(server_factory, body, expected):
    code, output = server_factory(body).configtest()
    assert code != 0
    assert expected in output, output

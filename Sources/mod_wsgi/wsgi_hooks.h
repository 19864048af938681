/* The Python hooks Apache calls outside the content handler: WSGIDispatchScript,
 * WSGIAccessScript, WSGIAuthUserScript (the `wsgi` authn provider) and WSGIAuthGroupScript (the
 * `wsgi-group` authz provider). Apache never runs Python, so each asks a daemon process with a
 * request of its own (PROTOCOL.md, "Hooks"); a hook that cannot be answered is a 500, never an
 * open door. */
#ifndef WSGI_HOOKS_H
#define WSGI_HOOKS_H

#include "httpd.h"
#include "http_config.h"

#include "wsgi_config.h"

/* Lets the WSGIDispatchScript that applies to r (if any) choose r's process group, application
 * group and callable object. OK, or the HTTP status of a failure (logged). */
int wsgi_run_dispatch_script(request_rec *r, wsgi_request_config *config);

/* WSGIDispatchScript, WSGIAccessScript, WSGIAuthUserScript, WSGIAuthGroupScript:
 * PATH [process-group=GROUP] [application-group=GROUP]. */
const char *wsgi_hook_script_directive(cmd_parms *cmd, void *mconfig, const char *args);

/* Registers the access checker and the authn/authz providers (from register_hooks). */
void wsgi_register_hooks(apr_pool_t *p);

#endif

/* The supervisor process (`mod_wsgi-daemon supervise`), seen from the Apache parent: make the
 * groups' secrets, hand it its config on standard input, start it, restart it if it dies, stop it
 * when the configuration is unloaded. */
#ifndef WSGI_SUPERVISOR_H
#define WSGI_SUPERVISOR_H

#include "httpd.h"
#include "http_config.h"

/* post_config hook. On the pass that really serves (not the preflight pass at first start-up)
 * and only if a WSGIDaemonProcess exists: checks the socket directory, computes the socket paths,
 * makes the secrets and starts the supervisor, registering its stop as a cleanup of pconf. */
int wsgi_supervisor_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s);

/* monitor hook (run by the MPM's maintenance loop in the Apache parent, about every ten
 * seconds): starts the supervisor again once a delayed restart is due. */
int wsgi_supervisor_monitor(apr_pool_t *p, server_rec *s);

/* The supervisor config text for the current configuration (PROTOCOL.md, "Supervisor config").
 * Socket paths must already be set. Exposed so it can be tested on its own. */
const char *wsgi_supervisor_config_text(apr_pool_t *p, server_rec *s, pid_t server_pid,
                                        int generation);

#endif

/* The test double of wsgi_config.c: the request config comes from the test. */
#include <string.h>

#include "apr_strings.h"

#include "stub_httpd.h"

static wsgi_request_config *next_config;
static const char *next_error;

/* Whether requests count as mapped by WSGIScriptAlias; see stub_httpd.h. */
int stub_request_aliased = 1;
static const wsgi_script_alias stub_alias = {"/app", "/srv/app.wsgi"};

const wsgi_script_alias *wsgi_request_alias(request_rec *r)
{
    return stub_request_aliased ? &stub_alias : NULL;
}

/* WSGIDispatchScript is exercised on real Apache (wsgi_hooks.c needs httpd's auth API): here no
 * dispatch script ever applies. */
int wsgi_run_dispatch_script(request_rec *r, wsgi_request_config *config)
{
    return OK;
}

/* The WSGIHandlerScript the next requests find; NULL (none) unless a test sets it. */
const wsgi_handler_script *stub_handler_script;

const wsgi_handler_script *wsgi_find_handler_script(request_rec *r)
{
    return stub_handler_script && r->handler && !strcmp(r->handler, stub_handler_script->name)
               ? stub_handler_script : NULL;
}

void stub_config_set(wsgi_request_config *config, const char *error)
{
    next_config = config;
    next_error = error;
}

wsgi_request_config *wsgi_get_request_config(request_rec *r, const char **error)
{
    if (next_config == NULL) {
        *error = next_error;
    }
    return next_config;
}

void stub_sample_secret(unsigned char secret[WSGI_SECRET_SIZE])
{
    int i;
    for (i = 0; i < WSGI_SECRET_SIZE; i++) {
        secret[i] = (unsigned char)i;
    }
}

wsgi_request_config *stub_config_new(apr_pool_t *pool, const char *socket_path)
{
    wsgi_request_config *config = apr_pcalloc(pool, sizeof(*config));
    wsgi_daemon_group *group = apr_pcalloc(pool, sizeof(*group));

    group->name = "testgroup";
    group->id = 1;
    group->socket_path = apr_pstrdup(pool, socket_path);
    group->processes = 1;
    group->threads = 5;
    group->connect_timeout = apr_time_from_msec(300);
    group->socket_timeout = apr_time_from_msec(2000);
    group->queue_timeout = apr_time_from_sec(45);
    group->header_buffer_size = 32768;
    group->response_buffer_size = 8388608;  /* mod_wsgi's defaults */
    group->response_flush_delay_ms = 5;
    group->script_uid = -1;
    group->script_gid = -1;
    stub_sample_secret(group->secret);
    config->process_group = group->name;
    config->application_group = "";
    config->callable_object = "application";
    config->pass_authorization = 0;
    config->chunked_request = 0;
    config->script_reloading = 1;
    config->map_head_to_get = WSGI_MAP_HEAD_AUTO;
    config->group = group;
    return config;
}

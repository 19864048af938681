/* The module record: mod_wsgi's directives, the per-server and per-directory configuration, and
 * the hooks. The work is done in wsgi_config.c (directives, aliases), wsgi_supervisor.c (the
 * supervisor process) and wsgi_handler.c (forwarding requests to the daemons). */
#include "wsgi_config.h"
#include "wsgi_environ.h"
#include "wsgi_handler.h"
#include "wsgi_hooks.h"
#include "wsgi_supervisor.h"

#include "http_request.h"
#include "mpm_common.h"

static void register_hooks(apr_pool_t *p)
{
    /* After mod_alias (so Alias and WSGIScriptAlias coexist as in mod_wsgi), before userdir. */
    static const char *const after_alias[] = {"mod_alias.c", NULL};
    static const char *const before_userdir[] = {"mod_userdir.c", "mod_vhost_alias.c", NULL};

    ap_hook_pre_config(wsgi_config_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(wsgi_supervisor_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(wsgi_environ_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_monitor(wsgi_supervisor_monitor, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_translate_name(wsgi_translate_name, after_alias, before_userdir, APR_HOOK_MIDDLE);
    ap_hook_handler(wsgi_handler, NULL, NULL, APR_HOOK_MIDDLE);
    wsgi_register_hooks(p);
}

AP_DECLARE_MODULE(wsgi) = {
    STANDARD20_MODULE_STUFF,
    wsgi_create_dir_config,
    wsgi_merge_dir_config,
    wsgi_create_server_config,
    wsgi_merge_server_config,
    wsgi_config_commands,
    register_hooks,
    AP_MODULE_FLAG_NONE
};

/* The module's configuration as the request path sees it.
 *
 * The directives fill these structures: wsgi_directives.c (the table of all of mod_wsgi's
 * directives and the simple ones), wsgi_script_alias.c (WSGIScriptAlias and its translate_name
 * hook), wsgi_daemon_process.c (WSGIDaemonProcess). wsgi_config.c merges them and makes the
 * per-request view; the handler only reads them. Nothing here knows about the wire or Python. */
#ifndef WSGI_CONFIG_H
#define WSGI_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "apr_hash.h"
#include "apr_network_io.h"
#include "apr_tables.h"

#include "wsgi_wire.h"

/* The Python version the daemons embed, for messages and the server banner. The Makefile passes
 * the real one (pkg-config python3-embed); builds without it say only "3". */
#ifndef WSGI_PYTHON_VERSION
#define WSGI_PYTHON_VERSION "3"
#endif

/* "%{GLOBAL}" as configured; resolved to "" (the main interpreter) per request. */
#define WSGI_GLOBAL_GROUP "%{GLOBAL}"

/* One WSGIDaemonProcess. Options are kept both parsed (what the module itself uses) and as the
 * validated name=value list that goes into the supervisor config for the daemon side. */
typedef struct wsgi_daemon_group {
    const char *name;
    int id;                      /* 1-based order of definition; part of the socket name */
    server_rec *server;          /* where it was defined (a vhost or the main server) */
    const char *socket_path;     /* set at post_config, once the generation is known */
    unsigned char secret[WSGI_SECRET_SIZE]; /* sent in HELLO; made at post_config, fresh for
                                             * every generation (PROTOCOL.md) */
    int processes;
    int multiprocess;            /* processes= was given */
    int threads;
    apr_interval_time_t connect_timeout;   /* total budget for connect retries */
    apr_interval_time_t socket_timeout;    /* each socket read/write; 0 = the server's Timeout */
    apr_interval_time_t queue_timeout;     /* 0 = off; sent to the worker, which enforces it */
    apr_size_t header_buffer_size;         /* longest response header line accepted */
    /* Relaying the response body to the client (wsgi_response.c). */
    apr_size_t response_buffer_size;       /* a flush is forced after this many unflushed bytes */
    int response_flush_delay_ms;           /* wait this long for more before flushing */
    apr_interval_time_t response_socket_timeout; /* client write timeout; 0 = socket_timeout */
    const char *chroot;                    /* chroot= without a trailing slash, or NULL */
    /* Who must own a script this group runs (script-user= / script-group=); -1 = no check. */
    long script_uid;
    long script_gid;
    apr_array_header_t *options;           /* of wsgi_option: every option, defaults filled in */
    apr_array_header_t *preloads;          /* of const char *: "SCRIPT|APPLICATION-GROUP|CALLABLE" */
} wsgi_daemon_group;

typedef struct wsgi_option {
    const char *name;            /* mod_wsgi's option name, e.g. "listen-backlog" */
    const char *value;
} wsgi_option;

/* One WSGIScriptAlias or WSGIScriptAliasMatch. */
typedef struct wsgi_script_alias {
    const char *location;        /* URL prefix, or the regex source for ...Match */
    const char *target;          /* script file or directory; $N substitutions for ...Match */
    void *regex;                 /* ap_regex_t * for ...Match, NULL for a prefix */
    const char *process_group;   /* NULL = inherit WSGIProcessGroup */
    const char *application_group; /* NULL = inherit WSGIApplicationGroup */
    const char *callable_object; /* NULL = inherit WSGICallableObject */
    int pass_authorization;      /* -1 = inherit */
    int target_is_file;          /* target was a regular file at config time (prefix aliases) */
    int target_is_dir;           /* target was a directory at config time (prefix aliases) */
} wsgi_script_alias;

/* One WSGIHandlerScript: requests whose handler is `name` run the handle_request() of `path`. */
typedef struct wsgi_handler_script {
    const char *name;
    const char *path;
    const char *process_group;     /* NULL = the request's WSGIProcessGroup */
    const char *application_group; /* NULL = the request's WSGIApplicationGroup */
    int pass_authorization;        /* -1 = inherit */
} wsgi_handler_script;

/* WSGIDispatchScript, WSGIAccessScript, WSGIAuthUserScript, WSGIAuthGroupScript: a script whose
 * functions Apache's phases call, run in a daemon process (wsgi_hooks.c). */
typedef struct wsgi_hook_script {
    const char *path;
    const char *process_group;     /* NULL = the request's own process group */
    const char *application_group; /* NULL = %{GLOBAL} */
} wsgi_hook_script;

/* WSGIMapHEADToGET values. */
#define WSGI_MAP_HEAD_OFF  0
#define WSGI_MAP_HEAD_ON   1
#define WSGI_MAP_HEAD_AUTO 2

/* Per-server: the WSGIScriptAlias entries, in order (a vhost's own come first after merging). */
typedef struct wsgi_server_config {
    apr_array_header_t *aliases; /* of wsgi_script_alias */
} wsgi_server_config;

/* Per-directory (and per-server defaults) settings; -1 / NULL = not set here, inherit. */
typedef struct wsgi_dir_config {
    const char *process_group;
    const char *application_group;
    const char *callable_object;
    int pass_authorization;
    int chunked_request;
    int script_reloading;        /* default On */
    int error_override;          /* default Off */
    int map_head_to_get;         /* WSGI_MAP_HEAD_*, default Auto */
    int ignore_activity;         /* default Off */
    int enable_sendfile;         /* default Off */
    apr_array_header_t *trusted_proxy_headers; /* of const char *: CGI names (HTTP_X_...) */
    apr_array_header_t *trusted_proxies;       /* of apr_ipsubnet_t * */
    apr_array_header_t *restrict_process;      /* of const char *: the groups allowed here */
    apr_hash_t *handler_scripts;               /* handler name -> wsgi_handler_script * */
    const wsgi_hook_script *dispatch_script;
    const wsgi_hook_script *access_script;
    const wsgi_hook_script *auth_user_script;
    const wsgi_hook_script *auth_group_script;
} wsgi_dir_config;

/* What the handler needs for one request, after aliases, directories and defaults are merged
 * and %{...} values are expanded. */
typedef struct wsgi_request_config {
    const char *process_group;   /* never empty: embedded mode does not exist here */
    const char *application_group; /* "" = main interpreter */
    const char *callable_object;
    const char *handler_script;  /* the WSGIHandlerScript run instead of r->filename, or NULL */
    int pass_authorization;
    int chunked_request;
    int script_reloading;
    int error_override;
    int map_head_to_get;
    int ignore_activity;
    int enable_sendfile;
    const apr_array_header_t *trusted_proxy_headers; /* NULL when none */
    const apr_array_header_t *trusted_proxies;       /* NULL = every peer is trusted */
    wsgi_daemon_group *group;    /* the group named by process_group, NULL if none */
} wsgi_request_config;

extern module AP_MODULE_DECLARE_DATA wsgi_module;

/* The merged configuration for r (allocated from r->pool). NULL with *error set when the
 * request names a process group that does not exist or that WSGIRestrictProcess does not
 * allow here (the handler answers 500 and logs it). */
wsgi_request_config *wsgi_get_request_config(request_rec *r, const char **error);

/* Makes `value` (a WSGIProcessGroup value, %{...} forms expanded for r) the request's process
 * group, checking that it exists, may be used from r's virtual host and is allowed by
 * WSGIRestrictProcess. NULL, or why not. */
const char *wsgi_select_process_group(request_rec *r, wsgi_request_config *config,
                                      const char *value);

/* A WSGIApplicationGroup or WSGICallableObject value with its %{...} forms expanded for r;
 * *unset is set when %{ENV:x} names no variable. */
const char *wsgi_expand_for_request(request_rec *r, const char *value, int *unset);

/* The WSGIHandlerScript registered for r's handler in r's directory, or NULL. */
const wsgi_handler_script *wsgi_find_handler_script(request_rec *r);

/* The WSGIScriptAlias or WSGIScriptAliasMatch that mapped r (set only by our translate_name
 * hook), or NULL when the request reached the handler some other way. */
const wsgi_script_alias *wsgi_request_alias(request_rec *r);

/* Why the directory of a socket prefix cannot hold the daemon sockets, or NULL when it can: it
 * and every directory above it must be owned by root (or by the user Apache starts as) and
 * writable by nobody else, but that a directory above may be sticky (like /tmp). Root creates
 * the sockets there, so a directory others can write would let them swap what root acts on. */
const char *wsgi_untrusted_socket_directory(apr_pool_t *p, const char *prefix);

/* The group called name, or NULL. */
wsgi_daemon_group *wsgi_find_daemon_group(const char *name);

/* Whether a group defined in one (virtual) server may be used from server s: a group defined
 * in a virtual host serves only virtual hosts of the same ServerName. */
int wsgi_group_usable_from(const wsgi_daemon_group *group, const server_rec *s);

/* NULL when value is a valid WSGIProcessGroup / WSGIApplicationGroup value (a name or one of
 * the %{...} forms), else why not. */
const char *wsgi_check_group_value(apr_pool_t *p, const char *directive, const char *value);

/* Server-wide settings that every daemon process gets (the supervisor config's global keys):
 * -1 / NULL = not set, the daemon's default applies. */
typedef struct wsgi_python_settings {
    int optimize;                /* WSGIPythonOptimize 0..2 */
    int dont_write_bytecode;     /* WSGIDontWriteBytecode */
    const char *hash_seed;       /* WSGIPythonHashSeed: "random" or 0..4294967295 */
    apr_array_header_t *warnings;/* WSGIPythonWarnings, of const char * */
    const char *eggs;            /* WSGIPythonEggs */
    const char *switch_interval; /* WSGISwitchInterval, seconds */
    int destroy_interpreter;     /* WSGIDestroyInterpreter, default On */
    int restrict_stdin;          /* WSGIRestrictStdin, default Off */
    int restrict_stdout;         /* WSGIRestrictStdout, default Off */
    int restrict_signal;         /* WSGIRestrictSignal, default On */
} wsgi_python_settings;

/* One <WSGIInterpreterOptions>: which interpreters it is for, and what it sets for them.
 * A selector is NULL for "any", "" for %{GLOBAL}. */
typedef struct wsgi_interpreter_options {
    const char *process_group;
    const char *application_group;
    const char *switch_interval; /* WSGISwitchInterval inside it, NULL if not */
    const char *python_path;     /* WSGIPythonPath inside it, NULL if not */
    int restrict_stdin;          /* -1 = not set inside it */
    int restrict_stdout;
    int restrict_signal;
} wsgi_interpreter_options;

/* Server-wide settings for one configuration generation (reset at every pre_config). */
typedef struct wsgi_global_config {
    apr_array_header_t *groups;  /* of wsgi_daemon_group *, in definition order */
    const char *socket_prefix;   /* WSGISocketPrefix, absolute; NULL = runtime dir + "/wsgi" */
    const char *python_home;     /* WSGIPythonHome, NULL if not set */
    const char *python_path;     /* WSGIPythonPath, NULL if not set */
    wsgi_python_settings python; /* the other process-wide Python settings */
    apr_array_header_t *interpreter_options; /* of wsgi_interpreter_options, in config order */
    apr_array_header_t *no_effect; /* of const char *: settings accepted that change nothing
                                    * here, logged once at start-up */
    uid_t apache_uid;            /* Apache's User (who owns the sockets), set at post_config */
    gid_t apache_gid;            /* Apache's Group, set at post_config */
} wsgi_global_config;

/* The current generation's settings (never NULL after pre_config). */
wsgi_global_config *wsgi_global_config_get(void);

/* The value of a WSGIDaemonProcess option as it goes to the supervisor, or NULL. */
const char *wsgi_daemon_option(const wsgi_daemon_group *group, const char *name);

/* Fill in what is only known once the whole config is read (Apache's User/Group, Timeout):
 * called from post_config before the supervisor config is written. NULL or an error. */
const char *wsgi_daemon_groups_finish(apr_pool_t *p, server_rec *main_server);

/* Hooks and tables for the module record (mod_wsgi.c). */
extern const command_rec wsgi_config_commands[];
void *wsgi_create_dir_config(apr_pool_t *p, char *dir);
void *wsgi_merge_dir_config(apr_pool_t *p, void *base, void *add);
void *wsgi_create_server_config(apr_pool_t *p, server_rec *s);
void *wsgi_merge_server_config(apr_pool_t *p, void *base, void *add);
int wsgi_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
int wsgi_translate_name(request_rec *r);

/* The directives that take apart arguments of their own. */
const char *wsgi_daemon_process_directive(cmd_parms *cmd, void *mconfig, const char *args);
const char *wsgi_script_alias_directive(cmd_parms *cmd, void *mconfig, const char *args);
const char *wsgi_interpreter_options_section(cmd_parms *cmd, void *mconfig, const char *args);

/* One "name=value" option from *line (value may be quoted); advances *line. NULL or an error. */
const char *wsgi_parse_option(apr_pool_t *p, const char **line, const char **name,
                              const char **value);

/* Adds "SCRIPT|APPLICATION-GROUP|CALLABLE" to group's scripts to load at worker start, once. */
void wsgi_add_preload(apr_pool_t *p, wsgi_daemon_group *group, const char *script,
                      const char *application_group, const char *callable);

#endif

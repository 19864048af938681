/* The module's configuration as the request path sees it.
 *
 * wsgi_config.c owns parsing (directives, WSGIDaemonProcess options, defaults) and fills these
 * structures; wsgi_handler.c only reads them. Nothing here knows about the wire or Python. */
#ifndef WSGI_CONFIG_H
#define WSGI_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "apr_tables.h"

#include "wsgi_wire.h"

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

/* Per-directory (and per-server defaults) settings; -1 / NULL = not set here, inherit. */
typedef struct wsgi_dir_config {
    const char *process_group;
    const char *application_group;
    const char *callable_object;
    int pass_authorization;
    int chunked_request;
} wsgi_dir_config;

/* What the handler needs for one request, after aliases, directories and defaults are merged
 * and %{...} values are expanded. */
typedef struct wsgi_request_config {
    const char *process_group;   /* never empty: embedded mode does not exist here */
    const char *application_group; /* "" = main interpreter */
    const char *callable_object;
    int pass_authorization;
    int chunked_request;
    wsgi_daemon_group *group;    /* the group named by process_group, NULL if none */
} wsgi_request_config;

extern module AP_MODULE_DECLARE_DATA wsgi_module;

/* The merged configuration for r (allocated from r->pool). NULL with *error set when the
 * request names a process group that does not exist (the handler answers 500 and logs it). */
wsgi_request_config *wsgi_get_request_config(request_rec *r, const char **error);

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

/* ---- Added by the config/supervisor part: what mod_wsgi.c and wsgi_supervisor.c need. ---- */

/* Server-wide settings for one configuration generation (reset at every pre_config). */
typedef struct wsgi_global_config {
    apr_array_header_t *groups;  /* of wsgi_daemon_group *, in definition order */
    const char *socket_prefix;   /* WSGISocketPrefix, absolute; NULL = runtime dir + "/wsgi" */
    const char *python_home;     /* WSGIPythonHome, NULL if not set */
    const char *python_path;     /* WSGIPythonPath, NULL if not set */
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

/* WSGIDaemonProcess (wsgi_daemon_process.c). */
const char *wsgi_daemon_process_directive(cmd_parms *cmd, void *mconfig, const char *args);

/* One "name=value" option from *line (value may be quoted); advances *line. NULL or an error. */
const char *wsgi_parse_option(apr_pool_t *p, const char **line, const char **name,
                              const char **value);

#endif

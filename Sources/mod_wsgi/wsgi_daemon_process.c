/* WSGIDaemonProcess: parse and validate every mod_wsgi option, fill in defaults, and keep the
 * result both parsed (for the request path) and as name/value pairs (for the supervisor file). */
#include "wsgi_config.h"

#include "http_log.h"
#include "unixd.h"
#include "apr_file_info.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

typedef enum {
    KIND_INT,          /* whole number in [min, max] */
    KIND_ZERO_OR_MIN,  /* 0, or a whole number >= min */
    KIND_STRING,       /* any text */
    KIND_ABS_PATH,     /* an absolute path */
    KIND_USER,         /* user name or #uid, written as the uid */
    KIND_GROUP,        /* group name or #gid, written as the gid */
    KIND_OWNER_USER,   /* like KIND_USER, root allowed: who must own files, not who runs code */
    KIND_OWNER_GROUP,  /* like KIND_GROUP, root allowed */
    KIND_GROUP_LIST,   /* comma-separated group names / #gids, written as gids */
    KIND_UMASK,        /* octal 0..0777 */
    KIND_SECONDS_FLOAT,/* a number of seconds > 0, fractions allowed */
    KIND_ON_OFF        /* On or Off */
} option_kind;

typedef struct {
    const char *name;
    option_kind kind;
    long min;
    long max;
    const char *default_value; /* written when the option is not given; NULL = leave out */
} option_spec;

/* The longest timeout in seconds: the request path waits in poll(), whose milliseconds are an
 * int, and larger values would overflow on the way there. About 24.8 days. */
#define MAX_TIMEOUT_SECONDS (INT_MAX / 1000)

/* mod_wsgi 6's WSGIDaemonProcess options (reference §1). Defaults follow mod_wsgi's code. */
static const option_spec option_specs[] = {
    {"processes", KIND_INT, 1, INT_MAX, "1"},
    {"threads", KIND_INT, 0, 65533, "15"},
    {"user", KIND_USER, 0, 0, NULL},               /* default: Apache's User, at post_config */
    {"group", KIND_GROUP, 0, 0, NULL},             /* default: Apache's Group, at post_config */
    {"supplementary-groups", KIND_GROUP_LIST, 0, 0, NULL},
    {"umask", KIND_UMASK, 0, 0777, NULL},
    {"home", KIND_ABS_PATH, 0, 0, NULL},
    {"lang", KIND_STRING, 0, 0, NULL},
    {"locale", KIND_STRING, 0, 0, NULL},
    {"chroot", KIND_ABS_PATH, 0, 0, NULL},
    {"python-home", KIND_STRING, 0, 0, NULL},
    {"python-path", KIND_STRING, 0, 0, NULL},
    {"python-eggs", KIND_STRING, 0, 0, NULL},
    {"switch-interval", KIND_SECONDS_FLOAT, 0, 0, NULL},
    {"stack-size", KIND_INT, 16384, LONG_MAX, NULL},  /* glibc's PTHREAD_STACK_MIN */
    {"maximum-requests", KIND_INT, 0, INT_MAX, "0"},
    {"startup-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"shutdown-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "5"},
    {"deadlock-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "300"},
    {"inactivity-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"request-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"interrupt-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"graceful-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "15"},
    {"eviction-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"restart-interval", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"connect-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "15"},
    {"socket-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},  /* 0 becomes Apache's Timeout at post_config */
    {"queue-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"listen-backlog", KIND_INT, 0, 65535, "100"},
    {"display-name", KIND_STRING, 0, 0, NULL},
    {"send-buffer-size", KIND_ZERO_OR_MIN, 512, INT_MAX, "0"},
    {"receive-buffer-size", KIND_ZERO_OR_MIN, 512, INT_MAX, "0"},
    {"header-buffer-size", KIND_ZERO_OR_MIN, 8192, INT_MAX, "32768"},
    {"response-buffer-size", KIND_ZERO_OR_MIN, 65536, INT_MAX, "8388608"},
    {"response-socket-timeout", KIND_INT, 0, MAX_TIMEOUT_SECONDS, "0"},
    {"response-flush-delay", KIND_INT, 0, INT_MAX, "5"},
    {"socket-user", KIND_USER, 0, 0, NULL},
    {"script-user", KIND_OWNER_USER, 0, 0, NULL},
    {"script-group", KIND_OWNER_GROUP, 0, 0, NULL},
    {"cpu-time-limit", KIND_INT, 0, INT_MAX, "0"},
    {"cpu-priority", KIND_INT, -20, 20, "0"},
    {"memory-limit", KIND_INT, 0, LONG_MAX, "0"},
    {"virtual-memory-limit", KIND_INT, 0, LONG_MAX, "0"},
    {"server-metrics", KIND_ON_OFF, 0, 0, "Off"},
    {NULL, KIND_INT, 0, 0, NULL}
};

/* Buffer-size options where mod_wsgi treats 0 as "use the built-in size". */
static const char *zero_means_default(const option_spec *spec, const char *value)
{
    if (strcmp(value, "0") == 0 && (strcmp(spec->name, "header-buffer-size") == 0 ||
                                    strcmp(spec->name, "response-buffer-size") == 0))
        return spec->default_value;
    return value;
}

const char *wsgi_parse_option(apr_pool_t *p, const char **line, const char **name,
                              const char **value)
{
    const char *start = *line;
    const char *end;

    while (*start && apr_isspace(*start))
        start++;
    end = start;
    while (*end && *end != '=' && !apr_isspace(*end))
        end++;
    if (end == start)
        return "an option name is missing before '='";
    *name = apr_pstrmemdup(p, start, end - start);
    if (*end != '=') {
        *line = end;
        return apr_psprintf(p, "'%s' is not of the form name=value", *name);
    }
    end++;
    *value = ap_getword_conf(p, &end);
    *line = end;
    if (strchr(*value, '\n') || strchr(*value, '\r'))
        return apr_psprintf(p, "the value of '%s' contains a line break", *name);
    return NULL;
}

static const option_spec *find_spec(const char *name)
{
    const option_spec *spec;

    for (spec = option_specs; spec->name; spec++) {
        if (strcmp(spec->name, name) == 0)
            return spec;
    }
    return NULL;
}

/* A whole decimal number, optionally signed; 0 if it is not one. */
static int parse_long(const char *text, long *out)
{
    char *end = NULL;

    if (!*text)
        return 0;
    errno = 0;
    *out = strtol(text, &end, 10);
    return errno == 0 && *end == '\0';
}

static const char *resolve_uid(apr_pool_t *p, const char *value, uid_t *uid)
{
    long number;
    struct passwd *pw;

    if (value[0] == '#') {
        if (!parse_long(value + 1, &number) || number < 0)
            return "is not a user name or #uid";
        *uid = (uid_t)number;
        return NULL;
    }
    pw = getpwnam(value);
    if (!pw)
        return "names no user on this system";
    *uid = pw->pw_uid;
    return NULL;
}

static const char *resolve_gid(apr_pool_t *p, const char *value, gid_t *gid)
{
    long number;
    struct group *gr;

    if (value[0] == '#') {
        if (!parse_long(value + 1, &number) || number < 0)
            return "is not a group name or #gid";
        *gid = (gid_t)number;
        return NULL;
    }
    gr = getgrnam(value);
    if (!gr)
        return "names no group on this system";
    *gid = gr->gr_gid;
    return NULL;
}

/* Checks value against spec; returns the text to write to the supervisor config, or NULL with
 * *why set. */
static const char *validate(apr_pool_t *p, const option_spec *spec, const char *value,
                            const char **why)
{
    long number;
    uid_t uid;
    gid_t gid;

    switch (spec->kind) {
    case KIND_INT:
        if (!parse_long(value, &number) || number < spec->min || number > spec->max) {
            *why = spec->max == LONG_MAX || spec->max == INT_MAX
                ? apr_psprintf(p, "must be a whole number of at least %ld", spec->min)
                : apr_psprintf(p, "must be a whole number from %ld to %ld", spec->min, spec->max);
            return NULL;
        }
        return apr_ltoa(p, number);
    case KIND_ZERO_OR_MIN:
        if (!parse_long(value, &number) || (number != 0 && number < spec->min) || number < 0
            || number > spec->max) {
            *why = apr_psprintf(p, "must be 0 or a whole number from %ld to %ld", spec->min,
                                spec->max);
            return NULL;
        }
        return zero_means_default(spec, apr_ltoa(p, number));
    case KIND_STRING:
        return value;
    case KIND_ABS_PATH:
        if (value[0] != '/') {
            *why = "must be an absolute path";
            return NULL;
        }
        return value;
    case KIND_OWNER_USER:
        if ((*why = resolve_uid(p, value, &uid)))
            return NULL;
        return apr_psprintf(p, "%lu", (unsigned long)uid);
    case KIND_OWNER_GROUP:
        if ((*why = resolve_gid(p, value, &gid)))
            return NULL;
        return apr_psprintf(p, "%lu", (unsigned long)gid);
    case KIND_USER:
        if ((*why = resolve_uid(p, value, &uid)))
            return NULL;
        if (uid == 0) {
            *why = "would run WSGI code as root, which is not allowed";
            return NULL;
        }
        return apr_psprintf(p, "%lu", (unsigned long)uid);
    case KIND_GROUP:
        if ((*why = resolve_gid(p, value, &gid)))
            return NULL;
        if (gid == 0) {
            *why = "would run WSGI code with the root group, which is not allowed";
            return NULL;
        }
        return apr_psprintf(p, "%lu", (unsigned long)gid);
    case KIND_GROUP_LIST: {
        char *list = apr_pstrdup(p, value), *state = NULL, *item;
        const char *out = NULL;
        for (item = apr_strtok(list, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
            if ((*why = resolve_gid(p, item, &gid))) {
                *why = apr_psprintf(p, "has '%s', which %s", item, *why);
                return NULL;
            }
            if (gid == 0) {
                *why = apr_psprintf(p, "has '%s', the root group: WSGI code may not run with it",
                                    item);
                return NULL;
            }
            out = apr_psprintf(p, "%s%s%lu", out ? out : "", out ? "," : "", (unsigned long)gid);
        }
        if (!out)
            *why = "must list at least one group";
        return out;
    }
    case KIND_UMASK: {
        char *end = NULL;
        number = strtol(value, &end, 8);
        if (!*value || *end || number < 0 || number > spec->max) {
            *why = "must be an octal mode from 0000 to 0777";
            return NULL;
        }
        return apr_psprintf(p, "%04lo", number);
    }
    case KIND_SECONDS_FLOAT: {
        char *end = NULL;
        double seconds = strtod(value, &end);
        if (!*value || *end || !(seconds > 0)) {
            *why = "must be a number of seconds greater than 0";
            return NULL;
        }
        return value;
    }
    case KIND_ON_OFF:
        if (strcasecmp(value, "On") == 0)
            return "On";
        if (strcasecmp(value, "Off") == 0)
            return "Off";
        *why = "must be On or Off";
        return NULL;
    }
    *why = "has an unknown kind";
    return NULL;
}

static wsgi_option *find_option(const wsgi_daemon_group *group, const char *name)
{
    wsgi_option *options = (wsgi_option *)group->options->elts;
    int i;

    for (i = 0; i < group->options->nelts; i++) {
        if (strcmp(options[i].name, name) == 0)
            return &options[i];
    }
    return NULL;
}

const char *wsgi_daemon_option(const wsgi_daemon_group *group, const char *name)
{
    wsgi_option *option = find_option(group, name);
    return option ? option->value : NULL;
}

static void set_option(apr_pool_t *p, wsgi_daemon_group *group, const char *name,
                       const char *value)
{
    wsgi_option *option = find_option(group, name);

    if (!option) {
        option = (wsgi_option *)apr_array_push(group->options);
        option->name = apr_pstrdup(p, name);
    }
    option->value = value;
}

static long option_long(const wsgi_daemon_group *group, const char *name)
{
    const char *value = wsgi_daemon_option(group, name);
    return value ? atol(value) : 0;
}

/* Copies the parsed values the request path uses into the struct's fields. */
static void set_parsed_fields(wsgi_daemon_group *group)
{
    group->processes = (int)option_long(group, "processes");
    group->threads = (int)option_long(group, "threads");
    group->connect_timeout = apr_time_from_sec(option_long(group, "connect-timeout"));
    group->socket_timeout = apr_time_from_sec(option_long(group, "socket-timeout"));
    group->queue_timeout = apr_time_from_sec(option_long(group, "queue-timeout"));
    group->header_buffer_size = (apr_size_t)option_long(group, "header-buffer-size");
    group->response_buffer_size = (apr_size_t)option_long(group, "response-buffer-size");
    group->response_flush_delay_ms = (int)option_long(group, "response-flush-delay");
    group->response_socket_timeout = apr_time_from_sec(option_long(group, "response-socket-timeout"));
    group->chroot = wsgi_daemon_option(group, "chroot");
    if (group->chroot) {
        apr_size_t length = strlen(group->chroot);
        while (length > 1 && group->chroot[length - 1] == '/') {
            length--;
        }
        group->chroot = apr_pstrmemdup(group->options->pool, group->chroot, length);
    }
    group->script_uid = find_option(group, "script-user") ? option_long(group, "script-user") : -1;
    group->script_gid = find_option(group, "script-group") ? option_long(group, "script-group") : -1;
}

static int valid_group_name(const char *name)
{
    const char *c;

    if (!*name)
        return 0;
    for (c = name; *c; c++) {
        if (apr_iscntrl(*c) || apr_isspace(*c) || *c == '|')
            return 0;
    }
    return 1;
}

const char *wsgi_daemon_process_directive(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_global_config *global = wsgi_global_config_get();
    const char *error = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    const option_spec *spec;
    wsgi_daemon_group *group;
    const char *name;

    if (error)
        return error;
    name = ap_getword_conf(cmd->pool, &args);
    if (!valid_group_name(name))
        return apr_psprintf(cmd->pool, "WSGIDaemonProcess needs a group name without spaces, "
                            "control characters or '|' (got '%s')", name);
    if (strncmp(name, "%{", 2) == 0)
        return apr_psprintf(cmd->pool, "WSGIDaemonProcess group name '%s' must not start "
                            "with '%%{'", name);
    if (wsgi_find_daemon_group(name))
        return apr_psprintf(cmd->pool, "WSGIDaemonProcess '%s' is already defined: group "
                            "names must be unique", name);

    group = apr_pcalloc(cmd->pool, sizeof(*group));
    group->name = name;
    group->server = cmd->server;
    group->options = apr_array_make(cmd->pool, 48, sizeof(wsgi_option));
    group->preloads = apr_array_make(cmd->pool, 2, sizeof(const char *));

    while (*args) {
        const char *option, *value, *written, *why = NULL;
        if ((error = wsgi_parse_option(cmd->pool, &args, &option, &value)))
            return apr_psprintf(cmd->pool, "WSGIDaemonProcess %s: invalid option: %s",
                                name, error);
        spec = find_spec(option);
        if (!spec)
            return apr_psprintf(cmd->pool, "WSGIDaemonProcess %s: unknown option '%s'",
                                name, option);
        if (find_option(group, option))
            return apr_psprintf(cmd->pool, "WSGIDaemonProcess %s: option '%s' is given twice",
                                name, option);
        written = validate(cmd->pool, spec, value, &why);
        if (!written)
            return apr_psprintf(cmd->pool, "WSGIDaemonProcess %s: bad value '%s' for option "
                                "'%s': it %s", name, value, option, why);
        if (strcmp(option, "display-name") == 0 && strcmp(value, "%{GROUP}") == 0)
            written = apr_psprintf(cmd->pool, "(wsgi:%s)", name);
        if (strcmp(option, "processes") == 0)
            group->multiprocess = 1;
        if (strcmp(option, "user") == 0) {
            /* The name goes along for initgroups(); look it up when given as #uid. */
            struct passwd *pw = value[0] == '#' ? getpwuid((uid_t)atol(written)) : NULL;
            if (value[0] != '#')
                set_option(cmd->pool, group, "user-name", value);
            else if (pw)
                set_option(cmd->pool, group, "user-name", apr_pstrdup(cmd->pool, pw->pw_name));
        }
        set_option(cmd->pool, group, option, written);
    }
    if (find_option(group, "script-user") && find_option(group, "script-group"))
        return apr_psprintf(cmd->pool, "WSGIDaemonProcess %s: script-user and script-group "
                            "cannot both be given", name);

    for (spec = option_specs; spec->name; spec++) {
        if (spec->default_value && !find_option(group, spec->name))
            set_option(cmd->pool, group, spec->name, spec->default_value);
    }
    set_parsed_fields(group);

    group->id = global->groups->nelts + 1;
    *(wsgi_daemon_group **)apr_array_push(global->groups) = group;
    return NULL;
}

/* The user a daemon runs as when the group names none: Apache's User when Apache starts as root,
 * else the only one possible, the user Apache runs as. */
static const char *set_default_identity(apr_pool_t *p, wsgi_global_config *global,
                                        wsgi_daemon_group *group)
{
    apr_pool_t *gp = group->options->pool;
    const char *user_name = ap_unixd_config.user_name;

    if (!find_option(group, "user")) {
        if (global->apache_uid == 0)
            return apr_psprintf(p, "WSGIDaemonProcess %s has no user= and Apache's User is "
                                "root: WSGI code may not run as root", group->name);
        set_option(gp, group, "user", apr_psprintf(gp, "%lu", (unsigned long)global->apache_uid));
        if (geteuid() == 0 && user_name && user_name[0] != '#') {
            set_option(gp, group, "user-name", user_name);
        }
        else {
            struct passwd *pw = getpwuid(global->apache_uid);
            if (pw)
                set_option(gp, group, "user-name", apr_pstrdup(gp, pw->pw_name));
        }
    }
    if (!find_option(group, "group")) {
        if (global->apache_gid == 0)
            return apr_psprintf(p, "WSGIDaemonProcess %s has no group= and Apache's Group is "
                                "root: WSGI code may not run with the root group", group->name);
        set_option(gp, group, "group", apr_psprintf(gp, "%lu", (unsigned long)global->apache_gid));
    }
    return NULL;
}

const char *wsgi_daemon_groups_finish(apr_pool_t *p, server_rec *main_server)
{
    wsgi_global_config *global = wsgi_global_config_get();
    int i;

    global->apache_uid = geteuid() == 0 ? ap_unixd_config.user_id : geteuid();
    global->apache_gid = geteuid() == 0 ? ap_unixd_config.group_id : getegid();
    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        apr_pool_t *gp = group->options->pool;
        const char *error = set_default_identity(p, global, group);

        if (error)
            return error;
        if (!find_option(group, "home")) {
            /* mod_wsgi: a daemon running as another user starts in that user's home (when it
             * exists: accounts like nobody have a home that is not there). */
            uid_t uid = (uid_t)atol(wsgi_daemon_option(group, "user"));
            struct passwd *pw = getpwuid(uid);
            apr_finfo_t finfo;
            if (uid != global->apache_uid && pw && pw->pw_dir && pw->pw_dir[0] == '/' &&
                apr_stat(&finfo, pw->pw_dir, APR_FINFO_TYPE, p) == APR_SUCCESS &&
                finfo.filetype == APR_DIR)
                set_option(gp, group, "home", apr_pstrdup(gp, pw->pw_dir));
        }
        if (option_long(group, "socket-timeout") == 0) {
            /* 0 means Apache's Timeout for that server (its default is 60 s). */
            apr_interval_time_t timeout = group->server->timeout;
            long seconds = timeout > 0 ? (long)apr_time_sec(timeout) : 60;
            set_option(gp, group, "socket-timeout", apr_ltoa(gp, seconds));
        }
        set_parsed_fields(group);
    }
    return NULL;
}

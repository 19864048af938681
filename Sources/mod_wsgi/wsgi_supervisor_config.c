/* The supervisor config text (protocol/PROTOCOL.md, "Supervisor config"): the global keys, the
 * process-wide Python settings, the <WSGIInterpreterOptions> lines and each daemon group with
 * its options, socket, secret and preload scripts. wsgi_supervisor.c hands it to the supervisor. */
#include "ap_mpm.h"
#include "ap_release.h"
#include "httpd.h"
#include "http_core.h"
#include "apr_strings.h"

#include "wsgi_config.h"
#include "wsgi_supervisor.h"

static const char *log_level_name(int level)
{
    static const char *const names[] = {
        "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
        "trace1", "trace2", "trace3", "trace4", "trace5", "trace6", "trace7", "trace8"};
    if (level < 0)
        return names[0];
    if (level >= (int)(sizeof(names) / sizeof(names[0])))
        return names[sizeof(names) / sizeof(names[0]) - 1];
    return names[level];
}

static const char *hex_secret(apr_pool_t *p, const unsigned char secret[WSGI_SECRET_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(p, 2 * WSGI_SECRET_SIZE + 1);
    int i;

    for (i = 0; i < WSGI_SECRET_SIZE; i++) {
        out[2 * i] = digits[secret[i] >> 4];
        out[2 * i + 1] = digits[secret[i] & 15];
    }
    out[2 * WSGI_SECRET_SIZE] = '\0';
    return out;
}

/* Appends one line to the config text being built in `lines`. */
#define LINE(...) (*(const char **)apr_array_push(lines) = apr_psprintf(p, __VA_ARGS__))

/* The process-wide Python settings, each only when set (the daemon's defaults are mod_wsgi's). */
static void add_python_settings(apr_pool_t *p, apr_array_header_t *lines,
                                const wsgi_python_settings *python)
{
    const struct {
        const char *key;
        int value;
    } flags[] = {
        {"python-optimize", python->optimize},
        {"dont-write-bytecode", python->dont_write_bytecode},
        {"destroy-interpreter", python->destroy_interpreter},
        {"restrict-stdin", python->restrict_stdin},
        {"restrict-stdout", python->restrict_stdout},
        {"restrict-signal", python->restrict_signal},
    };
    int i;

    for (i = 0; i < (int)(sizeof(flags) / sizeof(flags[0])); i++) {
        if (flags[i].value >= 0)
            LINE("%s %d", flags[i].key, flags[i].value);
    }
    if (python->hash_seed)
        LINE("python-hash-seed %s", python->hash_seed);
    if (python->eggs)
        LINE("python-eggs %s", python->eggs);
    if (python->switch_interval)
        LINE("switch-interval %s", python->switch_interval);
    for (i = 0; i < python->warnings->nelts; i++)
        LINE("python-warnings %s", ((const char **)python->warnings->elts)[i]);
}

/* Each <WSGIInterpreterOptions> setting as "interpreter-options INDEX PROCESS APPLICATION KEY
 * VALUE", a selector being "*" for any and %{GLOBAL} for the empty name. */
static void add_interpreter_options(apr_pool_t *p, apr_array_header_t *lines,
                                    const apr_array_header_t *all)
{
    int i;

    for (i = 0; i < all->nelts; i++) {
        const wsgi_interpreter_options *o = &((const wsgi_interpreter_options *)all->elts)[i];
        const char *process = !o->process_group ? "*"
                              : *o->process_group ? o->process_group : WSGI_GLOBAL_GROUP;
        const char *application = !o->application_group ? "*"
                                  : *o->application_group ? o->application_group
                                                          : WSGI_GLOBAL_GROUP;
        const char *prefix = apr_psprintf(p, "interpreter-options %d %s %s", i, process,
                                          application);
        if (o->python_path)
            LINE("%s python-path %s", prefix, o->python_path);
        if (o->switch_interval)
            LINE("%s switch-interval %s", prefix, o->switch_interval);
        if (o->restrict_stdin >= 0)
            LINE("%s restrict-stdin %d", prefix, o->restrict_stdin);
        if (o->restrict_stdout >= 0)
            LINE("%s restrict-stdout %d", prefix, o->restrict_stdout);
        if (o->restrict_signal >= 0)
            LINE("%s restrict-signal %d", prefix, o->restrict_signal);
    }
}

/* What the Python `apache` module and environ['apache.version'] report in the daemons, which
 * cannot ask Apache themselves. */
static void add_apache_info(apr_pool_t *p, apr_array_header_t *lines)
{
    int threaded = 0, forked = 0, threads = 0, processes = 0;

    ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded);
    if (threaded != AP_MPMQ_NOT_SUPPORTED)
        ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    ap_mpm_query(AP_MPMQ_IS_FORKED, &forked);
    if (forked != AP_MPMQ_NOT_SUPPORTED) {
        ap_mpm_query(AP_MPMQ_MAX_DAEMON_USED, &processes);
        if (processes == -1)
            ap_mpm_query(AP_MPMQ_MAX_DAEMONS, &processes);
    }
    LINE("apache-version %d.%d.%d", AP_SERVER_MAJORVERSION_NUMBER, AP_SERVER_MINORVERSION_NUMBER,
         AP_SERVER_PATCHLEVEL_NUMBER);
    LINE("apache-mpm %s", ap_show_mpm());
    LINE("apache-limits %d %d", processes > 0 ? processes : 1, threads > 0 ? threads : 1);
    LINE("apache-built %s", ap_get_server_built());
    LINE("apache-description %s", ap_get_server_description());
}

const char *wsgi_supervisor_config_text(apr_pool_t *p, server_rec *s, pid_t server_pid,
                                        int generation)
{
    wsgi_global_config *global = wsgi_global_config_get();
    apr_array_header_t *lines = apr_array_make(p, 64, sizeof(const char *));
    int i, j;

    LINE("mod_wsgi-supervisor-config 1");
    LINE("server-pid %ld", (long)server_pid);
    LINE("generation %d", generation);
    LINE("log-level %s", log_level_name(s->log.level));
    LINE("apache-user %lu", (unsigned long)global->apache_uid);
    LINE("apache-group %lu", (unsigned long)global->apache_gid);
    add_apache_info(p, lines);
    if (global->python_home)
        LINE("python-home %s", global->python_home);
    if (global->python_path)
        LINE("python-path %s", global->python_path);
    add_python_settings(p, lines, &global->python);
    add_interpreter_options(p, lines, global->interpreter_options);
    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        wsgi_option *options = (wsgi_option *)group->options->elts;
        LINE("group %s", group->name);
        for (j = 0; j < group->options->nelts; j++)
            LINE("%s %s", options[j].name, options[j].value);
        LINE("socket %s", group->socket_path);
        LINE("secret %s", hex_secret(p, group->secret));
        for (j = 0; j < group->preloads->nelts; j++)
            LINE("preload %s", ((const char **)group->preloads->elts)[j]);
        if (group->multiprocess)
            LINE("multiprocess 1");
        LINE("end");
    }
    *(const char **)apr_array_push(lines) = "";
    return apr_array_pstrcat(p, lines, '\n');
}


/* The supervisor, seen from the Apache parent. One supervisor per configuration generation:
 * started at post_config, restarted by the MPM's maintenance loop if it dies (other-child
 * registration), stopped exactly once when pconf is cleared (stop, restart, graceful). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, memfd_create */
#endif

#include "wsgi_supervisor.h"
#include "wsgi_config.h"

#include "ap_mpm.h"
#include "httpd.h"
#include "http_core.h"
#include "http_log.h"
#include "apr_file_io.h"
#include "apr_general.h"
#include "apr_portable.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* sun_path holds 107 bytes and a NUL; the supervisor binds "<path>.new" first and renames it
 * into place once it is owned by Apache's user, so 4 of those bytes are not ours. */
#define WSGI_MAX_SOCKET_PATH ((int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1 - 4)

APLOG_USE_MODULE(wsgi);

#ifndef WSGI_DAEMON_PATH
#define WSGI_DAEMON_PATH "/usr/local/libexec/mod_wsgi-swift/mod_wsgi-daemon"
#endif

#define DAEMON_PROGRAM_NAME "mod_wsgi-daemon"
#define STOP_GRACE_SECONDS 2          /* on top of the longest shutdown-timeout */
#define STOP_POLL_INTERVAL apr_time_from_msec(20)
/* A supervisor that dies this soon after starting, twice in a row, is restarted after a delay
 * that doubles each time, so one that cannot start (bad install, a config it rejects) does not
 * respawn every second. The monitor hook that restarts it runs about every ten seconds. */
#define QUICK_DEATH apr_time_from_sec(10)
#define FIRST_RESTART_DELAY apr_time_from_sec(10)
#define LONGEST_RESTART_DELAY apr_time_from_sec(300)

typedef struct wsgi_supervisor {
    apr_pool_t *pool;                 /* pconf of the generation it serves */
    wsgi_global_config *global;       /* that generation's groups */
    server_rec *server;
    pid_t parent_pid;                 /* cleanups only act in the Apache parent */
    const char *program;
    const char *config_text;          /* what it reads on its standard input (secrets included) */
    apr_proc_t proc;
    int running;                      /* started and not yet reaped */
    int registered;                   /* other-child record is live (see supervisor_event) */
    int stopped;                      /* the pconf cleanup has run */
    apr_interval_time_t stop_timeout; /* SIGTERM to SIGKILL */
    apr_time_t started_at;
    int quick_deaths;                 /* deaths soon after starting, in a row */
    apr_time_t restart_at;            /* a delayed restart is due then (0: none pending) */
} wsgi_supervisor;

/* The supervisor of the configuration being served, for the monitor hook (NULL when none). */
static wsgi_supervisor *current_supervisor;

/* ---- the socket directory ---- */

const char *wsgi_untrusted_socket_directory(apr_pool_t *p, const char *prefix)
{
    char *directory = apr_pstrdup(p, prefix);
    char *slash = strrchr(directory, '/');
    char resolved[PATH_MAX];
    char *path;
    int innermost = 1;

    if (slash == NULL)
        return apr_psprintf(p, "socket prefix %s is not an absolute path", prefix);
    if (slash == directory)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (realpath(directory, resolved) == NULL)
        return apr_psprintf(p, "the directory %s of socket prefix %s cannot be used: %s",
                            directory, prefix, strerror(errno));
    path = resolved;
    for (;;) {
        struct stat info;
        int others_write;

        if (stat(path, &info) != 0)
            return apr_psprintf(p, "cannot check %s (above socket prefix %s): %s", path, prefix,
                                strerror(errno));
        if (!S_ISDIR(info.st_mode))
            return apr_psprintf(p, "%s (for socket prefix %s) is not a directory", path, prefix);
        if (info.st_uid != 0 && info.st_uid != geteuid())
            return apr_psprintf(p, "%s (for socket prefix %s) belongs to uid %lu, not to root: "
                                "the daemon sockets need a directory only root can change",
                                path, prefix, (unsigned long)info.st_uid);
        others_write = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
        if (others_write && (innermost || !(info.st_mode & S_ISVTX)))
            return apr_psprintf(p, "%s (for socket prefix %s) is writable by %s (mode %04o): the "
                                "daemon sockets need a directory only root can write", path,
                                prefix, (info.st_mode & S_IWOTH) ? "all users" : "its group",
                                (unsigned int)(info.st_mode & 07777));
        if (strcmp(path, "/") == 0)
            return NULL;
        slash = strrchr(path, '/');
        if (slash == path)
            slash[1] = '\0';
        else
            *slash = '\0';
        innermost = 0;
    }
}

/* ---- the config ---- */

static const char *socket_prefix(apr_pool_t *p)
{
    const char *prefix = wsgi_global_config_get()->socket_prefix;
    return prefix ? prefix : ap_runtime_dir_relative(p, "wsgi");
}

/* The config as a sealed memory file, read from offset 0: never on disk, so no other user can
 * read the secrets in it or swap it, and sealed so no holder of the descriptor can change it. */
static apr_status_t config_memfd(apr_pool_t *p, const char *text, apr_file_t **file)
{
    apr_size_t length = strlen(text), written = 0;
    apr_os_file_t fd = memfd_create("mod_wsgi-supervisor-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0)
        return APR_FROM_OS_ERROR(errno);
    while (written < length) {
        ssize_t n = write(fd, text + written, length - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            apr_status_t rv = APR_FROM_OS_ERROR(errno);
            close(fd);
            return rv;
        }
        written += (apr_size_t)n;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0
        || lseek(fd, 0, SEEK_SET) != 0) {
        apr_status_t rv = APR_FROM_OS_ERROR(errno);
        close(fd);
        return rv;
    }
    return apr_os_file_put(file, &fd, APR_FOPEN_READ, p);
}

/* ---- finding and starting the program ---- */

static int is_executable_file(apr_pool_t *p, const char *path)
{
    apr_finfo_t finfo;
    return apr_stat(&finfo, path, APR_FINFO_TYPE, p) == APR_SUCCESS &&
           finfo.filetype == APR_REG && access(path, X_OK) == 0;
}

/* mod_wsgi-daemon beside the loaded module first (a build tree or a relocated install), then
 * the install path compiled in. NULL when neither is executable; *beside says where we looked. */
static const char *find_daemon_program(apr_pool_t *p, const char **beside)
{
    Dl_info info;

    *beside = NULL;
    if (dladdr((void *)&wsgi_module, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        const char *dir = slash ? apr_pstrmemdup(p, info.dli_fname, slash - info.dli_fname) : ".";
        *beside = apr_pstrcat(p, dir, "/" DAEMON_PROGRAM_NAME, NULL);
        if (is_executable_file(p, *beside))
            return *beside;
    }
    if (is_executable_file(p, WSGI_DAEMON_PATH))
        return WSGI_DAEMON_PATH;
    return NULL;
}

static void supervisor_event(int reason, void *data, int status);

static apr_status_t start_supervisor(wsgi_supervisor *sup)
{
    const char *args[] = {sup->program, "supervise", "--config-fd", "0", NULL};
    apr_pool_t *scratch;
    apr_procattr_t *attr;
    apr_file_t *config_in = NULL;
    apr_status_t rv;

    apr_pool_create(&scratch, sup->pool);
    rv = apr_procattr_create(&attr, scratch);
    if (rv == APR_SUCCESS)
        rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM_ENV);
    if (rv == APR_SUCCESS)
        rv = apr_procattr_error_check_set(attr, 1);
    if (rv == APR_SUCCESS)
        rv = config_memfd(scratch, sup->config_text, &config_in);
    if (rv == APR_SUCCESS)
        rv = apr_procattr_child_in_set(attr, config_in, NULL);
    /* Its output goes to the main error log (syslog or a piped log: inherit stderr, which
     * Apache has already pointed there). */
    if (rv == APR_SUCCESS && sup->server->error_log) {
        rv = apr_procattr_child_out_set(attr, sup->server->error_log, NULL);
        if (rv == APR_SUCCESS)
            rv = apr_procattr_child_err_set(attr, sup->server->error_log, NULL);
    }
    if (rv == APR_SUCCESS)
        rv = apr_proc_create(&sup->proc, sup->program, args, NULL, attr, sup->pool);
    /* Closes our copies of the config descriptor, so no Apache child inherits it: the memfd
     * itself (apr_os_file_put registers no cleanup) and the duplicate the procattr holds. */
    if (config_in)
        apr_file_close(config_in);
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, sup->server,
                     "mod_wsgi: could not start the supervisor %s", sup->program);
        return rv;
    }
    sup->running = 1;
    sup->started_at = apr_time_now();
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, sup->server,
                 "mod_wsgi: starting supervisor pid %ld: %s supervise --config-fd 0",
                 (long)sup->proc.pid, sup->program);
    apr_proc_other_child_register(&sup->proc, supervisor_event, sup, NULL, sup->pool);
    sup->registered = 1;
    return APR_SUCCESS;
}

/* Restarts a supervisor that died while Apache runs: at once, unless it keeps dying at
 * start-up; then after a delay that doubles each time (wsgi_supervisor_monitor starts it). */
static void restart_after_death(wsgi_supervisor *sup, int reason, int status)
{
    apr_interval_time_t lived = apr_time_now() - sup->started_at;
    apr_interval_time_t delay = 0;
    int i;

    sup->quick_deaths = lived < QUICK_DEATH ? sup->quick_deaths + 1 : 0;
    if (sup->quick_deaths >= 2) {
        delay = FIRST_RESTART_DELAY;
        for (i = 2; i < sup->quick_deaths && delay < LONGEST_RESTART_DELAY; i++)
            delay *= 2;
        if (delay > LONGEST_RESTART_DELAY)
            delay = LONGEST_RESTART_DELAY;
    }
    /* The MPM hands over an exit code or a signal number without saying which. */
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, sup->server,
                 "mod_wsgi: supervisor pid %ld %s (exit code or signal %d) after %ld s; "
                 "starting a new one%s", (long)sup->proc.pid,
                 reason == APR_OC_REASON_LOST ? "was lost" : "died", status,
                 (long)apr_time_sec(lived),
                 delay ? apr_psprintf(sup->pool, " in %ld s", (long)apr_time_sec(delay)) : "");
    if (delay == 0)
        start_supervisor(sup);
    else
        sup->restart_at = apr_time_now() + delay;
}

/* Other-child callback, run by the MPM's maintenance loop in the Apache parent. */
static void supervisor_event(int reason, void *data, int status)
{
    wsgi_supervisor *sup = data;
    int mpm_state = AP_MPMQ_STARTING;

    switch (reason) {
    case APR_OC_REASON_DEATH:
    case APR_OC_REASON_LOST:
        sup->running = 0;
        /* APR keeps the record with a NULL proc: it must go before anything else looks it up. */
        if (sup->registered)
            apr_proc_other_child_unregister(sup);
        ap_mpm_query(AP_MPMQ_MPM_STATE, &mpm_state);
        if (sup->stopped || mpm_state == AP_MPMQ_STOPPING) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, sup->server,
                         "mod_wsgi: supervisor pid %ld has exited", (long)sup->proc.pid);
            break;
        }
        restart_after_death(sup, reason, status);
        break;
    case APR_OC_REASON_RESTART:
        /* Apache is restarting or stopping: the pconf cleanup stops it; stop watching. */
        if (sup->registered)
            apr_proc_other_child_unregister(sup);
        break;
    case APR_OC_REASON_UNREGISTER:
        sup->registered = 0;
        break;
    default:
        break;
    }
}

int wsgi_supervisor_monitor(apr_pool_t *p, server_rec *s)
{
    wsgi_supervisor *sup = current_supervisor;

    if (sup && sup->restart_at && !sup->stopped && !sup->running &&
        apr_time_now() >= sup->restart_at) {
        sup->restart_at = 0;
        start_supervisor(sup);
    }
    return DECLINED;
}

/* ---- stopping ---- */

static void remove_quietly(apr_pool_t *p, const char *path)
{
    apr_status_t rv = apr_file_remove(path, p);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_ENOENT(rv))
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, NULL, "mod_wsgi: could not remove %s", path);
}

/* pconf cleanup: SIGTERM, wait up to stop_timeout, SIGKILL; then remove our files. */
static apr_status_t stop_supervisor(void *data)
{
    wsgi_supervisor *sup = data;
    wsgi_global_config *global = sup->global;
    int i;

    if (sup->stopped || getpid() != sup->parent_pid)
        return APR_SUCCESS;
    sup->stopped = 1;
    sup->restart_at = 0;
    if (current_supervisor == sup)
        current_supervisor = NULL;
    if (sup->registered)
        apr_proc_other_child_unregister(sup);

    if (sup->running) {
        apr_time_t deadline = apr_time_now() + sup->stop_timeout;
        int code;
        apr_exit_why_e why;
        apr_status_t rv;

        ap_log_error(APLOG_MARK, APLOG_INFO, 0, sup->server,
                     "mod_wsgi: stopping supervisor pid %ld", (long)sup->proc.pid);
        apr_proc_kill(&sup->proc, SIGTERM);
        for (;;) {
            rv = apr_proc_wait(&sup->proc, &code, &why, APR_NOWAIT);
            if (rv != APR_CHILD_NOTDONE)
                break; /* reaped, or not ours any more */
            if (apr_time_now() >= deadline) {
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sup->server,
                             "mod_wsgi: supervisor pid %ld did not stop within %ld s; killing it",
                             (long)sup->proc.pid, (long)apr_time_sec(sup->stop_timeout));
                apr_proc_kill(&sup->proc, SIGKILL);
                apr_proc_wait(&sup->proc, &code, &why, APR_WAIT);
                break;
            }
            apr_sleep(STOP_POLL_INTERVAL);
        }
        sup->running = 0;
    }

    /* The supervisor removes its sockets, unless it was killed (perhaps while one was still
     * under its set-up name). */
    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        if (group->socket_path) {
            remove_quietly(sup->pool, group->socket_path);
            remove_quietly(sup->pool, apr_pstrcat(sup->pool, group->socket_path, ".new", NULL));
        }
    }
    return APR_SUCCESS;
}

/* ---- post_config ---- */

static apr_interval_time_t longest_shutdown_timeout(void)
{
    wsgi_global_config *global = wsgi_global_config_get();
    long longest = 0;
    int i;

    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        const char *value = wsgi_daemon_option(group, "shutdown-timeout");
        long seconds = value ? atol(value) : 0;
        if (seconds > longest)
            longest = seconds;
    }
    return apr_time_from_sec(longest + STOP_GRACE_SECONDS);
}

static void set_socket_paths(apr_pool_t *pconf, server_rec *s, const char *prefix, pid_t pid,
                             int generation)
{
    wsgi_global_config *global = wsgi_global_config_get();
    int i;

    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        group->socket_path = apr_psprintf(pconf, "%s.%ld.%d.%d.sock", prefix, (long)pid,
                                          generation, group->id);
        if (strlen(group->socket_path) > WSGI_MAX_SOCKET_PATH)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "mod_wsgi: socket path %s of group %s is longer than a Unix socket "
                         "path may be (%d bytes): use a shorter WSGISocketPrefix",
                         group->socket_path, group->name, WSGI_MAX_SOCKET_PATH);
    }
}

/* Directives accepted that change nothing here, said once per start-up (README lists them). */
static void log_settings_without_effect(server_rec *s, const wsgi_global_config *global)
{
    int i;

    for (i = 0; i < global->no_effect->nelts; i++)
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "mod_wsgi: %s",
                     ((const char **)global->no_effect->elts)[i]);
}

/* Fresh random secrets for every group of this generation (PROTOCOL.md, "Who may talk to a
 * worker"). Made in the parent, so every Apache child of the generation inherits them. */
static apr_status_t make_secrets(void)
{
    wsgi_global_config *global = wsgi_global_config_get();
    int i;

    for (i = 0; i < global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)global->groups->elts)[i];
        apr_status_t rv = apr_generate_random_bytes(group->secret, sizeof(group->secret));
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

int wsgi_supervisor_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    wsgi_global_config *global = wsgi_global_config_get();
    wsgi_supervisor *sup;
    const char *prefix, *beside, *error;
    int generation = 0;
    apr_status_t rv;

    /* At first start-up Apache reads its configuration twice; only the second pass serves. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    if (!global)
        return OK;
    log_settings_without_effect(s, global);
    if (global->groups->nelts == 0)
        return OK;

    if ((error = wsgi_daemon_groups_finish(ptemp, s))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "mod_wsgi: %s", error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_mpm_query(AP_MPMQ_GENERATION, &generation);

    sup = apr_pcalloc(pconf, sizeof(*sup));
    sup->pool = pconf;
    sup->global = global;
    sup->server = s;
    sup->parent_pid = getpid();
    sup->stop_timeout = longest_shutdown_timeout();
    sup->program = find_daemon_program(pconf, &beside);
    if (!sup->program) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "mod_wsgi: cannot find an executable " DAEMON_PROGRAM_NAME ": looked for %s "
                     "(beside the module) and " WSGI_DAEMON_PATH,
                     beside ? beside : "(module path unknown)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    prefix = socket_prefix(pconf);
    if ((error = wsgi_untrusted_socket_directory(ptemp, prefix))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "mod_wsgi: %s (set WSGISocketPrefix to a "
                     "path in a directory that only root can write)", error);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    set_socket_paths(pconf, s, prefix, sup->parent_pid, generation);
    if ((rv = make_secrets()) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "mod_wsgi: could not make the daemon groups' connection secrets");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    sup->config_text = wsgi_supervisor_config_text(pconf, s, sup->parent_pid, generation);

    /* Registered before the other-child record, so that record's own cleanup (LIFO) runs first
     * and stop_supervisor() finds it already unregistered. */
    apr_pool_cleanup_register(pconf, sup, stop_supervisor, apr_pool_cleanup_null);
    current_supervisor = sup;
    if (start_supervisor(sup) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    return OK;
}

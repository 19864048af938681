// See include/sys_shim.h: thin wrappers, no policy.
#define _GNU_SOURCE
#include "sys_shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int sys_signalfd_create(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

int sys_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    for (;;) {
        ssize_t n = read(fd, &info, sizeof info);
        if (n == (ssize_t)sizeof info) return (int)info.ssi_signo;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        if (n >= 0) errno = EIO;  // a short read cannot happen on a signalfd; never guess
        return -1;
    }
}

int sys_block_signals(const int *signals, int count, int block, sigset_t *out_mask) {
    sigemptyset(out_mask);
    for (int i = 0; i < count; i++) {
        if (sigaddset(out_mask, signals[i]) != 0) return errno;
    }
    return pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, out_mask, NULL);
}

int sys_set_parent_death_signal(int signo) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signo, 0UL, 0UL, 0UL);
}

int sys_set_process_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

int sys_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
}

int sys_spawnattr_reset_signals(posix_spawnattr_t *attr) {
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    int rc = posix_spawnattr_setsigmask(attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(attr, &all);
    if (rc == 0) rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    return rc;
}

int sys_close_inherited_fds(int lowfd) {
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return errno;
    int own = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd < lowfd || fd == own) continue;
        int flags = fcntl((int)fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC)) close((int)fd);
    }
    closedir(dir);
    return 0;
}

char **sys_environ(void) { return environ; }

int sys_accept_cloexec(int listen_fd) {
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

int sys_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int sys_sealed_memfd(const char *name, const void *data, size_t length) {
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    size_t written = 0;
    while (written < length) {
        ssize_t n = write(fd, (const char *)data + written, length - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) goto fail;
        written += (size_t)n;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0) goto fail;
    if (lseek(fd, 0, SEEK_SET) != 0) goto fail;
    return fd;
fail: {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
}

int sys_wifexited(int status) { return WIFEXITED(status); }
int sys_wexitstatus(int status) { return WEXITSTATUS(status); }
int sys_wifsignaled(int status) { return WIFSIGNALED(status); }
int sys_wtermsig(int status) { return WTERMSIG(status); }
int sys_wcoredump(int status) { return WCOREDUMP(status); }

const char *sys_signal_abbreviation(int signo) { return sigabbrev_np(signo); }

int sys_thread_id(void)
{
    return (int)gettid();
}

int sys_set_buffer_sizes(int fd, int send_bytes, int receive_bytes) {
    if (send_bytes > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_bytes, sizeof(send_bytes)) != 0)
        return -1;
    if (receive_bytes > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_bytes, sizeof(receive_bytes)) != 0)
        return -1;
    return 0;
}

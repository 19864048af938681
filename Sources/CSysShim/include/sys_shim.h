// GNU/Linux calls and macros that Swift's Glibc module does not expose (or exposes only as
// unusable macros or mutable globals). Shared by the supervisor and the workers.
#ifndef MOD_WSGI_SWIFT_SYS_SHIM_H
#define MOD_WSGI_SWIFT_SYS_SHIM_H

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>

/// A non-blocking, close-on-exec signalfd for `mask` (which the caller has already blocked).
/// Returns the fd, or -1 with errno set.
int sys_signalfd_create(const sigset_t *mask);

/// Reads one pending signal from a signalfd. Returns its number, 0 when none is pending,
/// or -1 with errno set. Retries on EINTR.
int sys_signalfd_read(int fd);

/// Blocks (`block` != 0) or unblocks the `count` signals in `signals` for the calling thread
/// and fills `out_mask` with exactly those signals. Returns 0 or an errno value.
int sys_block_signals(const int *signals, int count, int block, sigset_t *out_mask);

/// prctl(PR_SET_PDEATHSIG): the kernel sends `signo` when the parent thread ends.
int sys_set_parent_death_signal(int signo);

/// prctl(PR_SET_NAME): the short name `ps -o comm` and `top` show (truncated to 15 bytes).
int sys_set_process_name(const char *name);

/* The kernel thread id, which Apache prints as `tid` in its error log. */
int sys_thread_id(void);

/// posix_spawn_file_actions_addclosefrom_np: close every fd >= `lowfd` in the child.
int sys_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd);

/// posix_spawnattr setup used for every child: empty signal mask, every signal back to its
/// default disposition (undoes SIG_IGN inherited from whoever started us).
int sys_spawnattr_reset_signals(posix_spawnattr_t *attr);

/// Closes every descriptor >= `lowfd` that lacks close-on-exec: those were inherited through
/// exec (Apache's parent left them open to us). Descriptors the Swift runtime or libdispatch
/// opened in this process are close-on-exec and are left alone. Returns 0 or an errno value.
int sys_close_inherited_fds(int lowfd);

/// The process environment (`environ` is a mutable C global Swift 6 refuses to touch).
char **sys_environ(void);

/// accept4 with SOCK_CLOEXEC; retries on EINTR. Returns the fd, or -1 with errno set.
int sys_accept_cloexec(int listen_fd);

/// SO_PEERCRED of a connected Unix socket: who is at the other end (as of connect()).
/// Returns 0, or -1 with errno set.
int sys_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// SO_SNDBUF and SO_RCVBUF (send-buffer-size=, receive-buffer-size=), each only when > 0.
/// Returns 0, or -1 with errno set by the first that failed.
int sys_set_buffer_sizes(int fd, int send_bytes, int receive_bytes);

/// A close-on-exec memory file (memfd_create) holding `length` bytes of `data`, sealed against
/// any change and positioned at offset 0: configuration handed to a child without touching the
/// disk. Returns the fd, or -1 with errno set.
int sys_sealed_memfd(const char *name, const void *data, size_t length);

// The wait-status macros.
int sys_wifexited(int status);
int sys_wexitstatus(int status);
int sys_wifsignaled(int status);
int sys_wtermsig(int status);
int sys_wcoredump(int status);

/// The signal's abbreviation without "SIG" ("KILL" for 9), or NULL when it has none.
const char *sys_signal_abbreviation(int signo);

#endif

// GNU-only calls the worker needs that Swift's Glibc module does not expose.
#ifndef MOD_WSGI_SWIFT_WORKER_SYS_H
#define MOD_WSGI_SWIFT_WORKER_SYS_H

/// pipe2(fds, O_CLOEXEC), plus O_NONBLOCK on both ends when `nonblocking` != 0.
/// Returns 0, or -1 with errno set.
int worker_sys_pipe_cloexec(int fds[2], int nonblocking);

/// Routes each of `signals` to `write_fd`: an async-signal-safe handler writes the signal number
/// as one byte (dropped if the pipe is full). SIGPIPE is ignored, as the python3 binary does.
/// Handlers rather than a blocked mask + signalfd, because a blocked mask is inherited by every
/// process the application starts (subprocess, os.system), which could then not be stopped with
/// SIGTERM; handlers are reset by exec. Returns 0, or -1 with errno set.
int worker_sys_route_signals(int write_fd, const int *signals, int count);

#endif

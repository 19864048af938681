// The worker's two clocks. Every timer of the process (request-timeout, inactivity-timeout,
// restart-interval, deadlock-timeout, startup-timeout, the drain at shutdown) counts on the
// monotonic one, so setting the system clock neither fires nor delays them. Only timestamps that
// are compared with the module's (queue start, request start: apr_time_now() in Apache) or shown
// to the application use the wall clock.
#if canImport(Glibc)
import Glibc
#endif

enum WorkerClock {
    /// Microseconds on CLOCK_MONOTONIC, for timers.
    static func monotonicMicroseconds() -> Int64 { microseconds(CLOCK_MONOTONIC) }

    /// Microseconds since the epoch, for timestamps shared with Apache.
    static func wallMicroseconds() -> Int64 { microseconds(CLOCK_REALTIME) }

    private static func microseconds(_ clock: clockid_t) -> Int64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}

/// How long to wait before restarting a worker that died, so a worker that crashes on start
/// does not become a fork loop: the delay doubles from 0.1 s up to 5 s while workers keep dying
/// young, and goes back to zero once one lives for 5 s.
struct RestartBackoff: Equatable {
    static let initialDelay = 0.1
    static let maximumDelay = 5.0
    /// A worker that lived at least this long counts as having started fine.
    static let stableLifetime = 5.0

    /// The delay given to the previous restart; 0 when the last worker lived long enough.
    private(set) var currentDelay = 0.0

    /// The delay before restarting a worker that died after `lifetime` seconds.
    mutating func delayAfterDeath(lifetime: Double) -> Double {
        if lifetime >= Self.stableLifetime {
            currentDelay = 0
        } else if currentDelay == 0 {
            currentDelay = Self.initialDelay
        } else {
            currentDelay = min(currentDelay * 2, Self.maximumDelay)
        }
        return currentDelay
    }

    /// Forget earlier crashes (a worker we stopped ourselves restarts at once).
    mutating func reset() { currentDelay = 0 }
}

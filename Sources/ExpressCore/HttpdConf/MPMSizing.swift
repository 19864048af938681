/// Sizes Apache's threaded MPMs (event, worker) for a given number of concurrent clients.
///
/// Apache children are cheap proxies in daemon mode, so they get headroom over the daemon's
/// capacity (mod_wsgi-express allows 10 + 1.5 × processes × threads). The clients are split over
/// as few children as keeps each at about 20 threads or fewer. The fractions are
/// --initial-workers, --minimum-spare-workers and --maximum-spare-workers.
public struct MPMSizing: Equatable, Sendable {
    public let serverLimit: Int
    public let threadsPerChild: Int
    public let maxRequestWorkers: Int
    public let startServers: Int
    public let minSpareThreads: Int
    public let maxSpareThreads: Int

    public init(maxClients: Int, initial: Double? = nil, minimumSpare: Double? = nil, maximumSpare: Double? = nil) {
        let perChild = maxClients > 20 ? maxClients / (maxClients / 20 + 1) : 10
        let children = (maxClients + perChild - 1) / perChild
        let initialShare = initial ?? 0.2
        threadsPerChild = perChild
        serverLimit = children
        maxRequestWorkers = children * perChild
        startServers = max(1, Int(initialShare * Double(children)))
        minSpareThreads = max(1, Int((minimumSpare ?? initialShare) * Double(children))) * perChild
        // The event MPM wants room for one whole child between the two spare marks.
        maxSpareThreads = max(minSpareThreads + perChild, Int((maximumSpare ?? 0.6) * Double(children)) * perChild)
    }
}

/// The same for prefork, where each child serves one client.
public struct PreforkSizing: Equatable, Sendable {
    public let serverLimit: Int
    public let startServers: Int
    public let minSpareServers: Int
    public let maxSpareServers: Int

    public init(maxClients: Int, initial: Double? = nil, minimumSpare: Double? = nil, maximumSpare: Double? = nil) {
        let initialShare = initial ?? 0.05
        serverLimit = maxClients
        startServers = max(1, Int(initialShare * Double(maxClients)))
        minSpareServers = max(1, Int((minimumSpare ?? initialShare) * Double(maxClients)))
        maxSpareServers = max(minSpareServers + 1, Int((maximumSpare ?? 0.1) * Double(maxClients)))
    }
}

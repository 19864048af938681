/// Sizes Apache's event MPM for a given number of concurrent clients.
///
/// Apache children are cheap proxies in daemon mode, so they get headroom over the daemon's
/// capacity (mod_wsgi-express allows 10 + 1.5 × processes × threads). The clients are split over
/// as few children as keeps each at about 20 threads or fewer.
public struct EventMPMSizing: Equatable, Sendable {
    public let serverLimit: Int
    public let threadsPerChild: Int
    public let maxRequestWorkers: Int
    public let startServers: Int
    public let minSpareThreads: Int
    public let maxSpareThreads: Int

    public init(maxClients: Int) {
        let perChild = maxClients > 20 ? maxClients / (maxClients / 20 + 1) : 10
        let children = (maxClients + perChild - 1) / perChild
        threadsPerChild = perChild
        serverLimit = children
        maxRequestWorkers = children * perChild
        startServers = max(1, children / 5)
        minSpareThreads = max(1, children / 5) * perChild
        // The event MPM wants room for one whole child between the two spare marks.
        maxSpareThreads = max(minSpareThreads + perChild, (children * 3 / 5) * perChild)
    }
}

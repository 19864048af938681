/// Apache's children sized for --max-clients, for whichever MPM ends up loaded.
enum MPMSection {
    static func render(_ config: ServerConfiguration) -> String {
        let tuning = config.apache
        let threaded = MPMSizing(maxClients: config.maxClients, initial: tuning.initialWorkers,
                                 minimumSpare: tuning.minimumSpareWorkers, maximumSpare: tuning.maximumSpareWorkers)
        let prefork = PreforkSizing(maxClients: config.maxClients, initial: tuning.initialWorkers,
                                    minimumSpare: tuning.minimumSpareWorkers, maximumSpare: tuning.maximumSpareWorkers)
        let threadedLines = """
                ServerLimit \(threaded.serverLimit)
                ThreadLimit \(threaded.threadsPerChild)
                StartServers \(threaded.startServers)
                MaxRequestWorkers \(threaded.maxRequestWorkers)
                MinSpareThreads \(threaded.minSpareThreads)
                MaxSpareThreads \(threaded.maxSpareThreads)
                ThreadsPerChild \(threaded.threadsPerChild)
                MaxConnectionsPerChild 0
                ThreadStackSize 262144
            """
        return """
            # Sized for \(config.maxClients) concurrent clients (--max-clients).
            <IfModule mpm_event_module>
            \(threadedLines)
                MaxKeepAliveRequests 0
            </IfModule>
            <IfModule mpm_worker_module>
            \(threadedLines)
                MaxKeepAliveRequests 500
            </IfModule>
            <IfModule mpm_prefork_module>
                ServerLimit \(prefork.serverLimit)
                StartServers \(prefork.startServers)
                MaxRequestWorkers \(prefork.serverLimit)
                MinSpareServers \(prefork.minSpareServers)
                MaxSpareServers \(prefork.maxSpareServers)
                MaxConnectionsPerChild 0
                MaxKeepAliveRequests 500
            </IfModule>

            """
    }
}

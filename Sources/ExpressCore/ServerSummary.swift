import Foundation

/// The "Label : value" lines both commands print, so the user sees where everything went and
/// how the server is sized before Apache starts.
public enum ServerSummary {
    public static func lines(_ config: ServerConfiguration, includeControlFiles: Bool) -> [String] {
        let processes = config.processes == 1 ? "1 process" : "\(config.processes) processes"
        let threads = config.threads == 1 ? "1 thread" : "\(config.threads) threads"
        var rows: [(String, String)] = [
            ("Server URL", config.serverURL),
        ]
        if let https = config.httpsURL { rows.append(("Server URL (HTTPS)", https)) }
        rows += [
            ("Server Root", config.serverRoot),
            ("Server Conf", config.configPath),
            ("Error Log File", "\(config.errorLogPath) (\(config.logLevel))"),
        ]
        if config.accessLog { rows.append(("Access Log File", config.accessLogPath)) }
        rows += [
            entryPointRow(config),
            ("Module File", config.module.path + (config.module.exists ? "" : " (missing)")),
            ("Operating Mode", "daemon"),
            ("Process Group", config.processGroup),
            ("Run As", "\(config.user):\(config.group)"),
            ("Request Capacity", "\(config.processes * config.threads) (\(processes) * \(threads))"),
            ("Request Timeout", "\(config.daemon.requestTimeout) (seconds)"),
            ("Startup Timeout", "\(config.daemon.startupTimeout) (seconds)"),
            ("Queue Backlog", "\(config.daemon.listenBacklog) (connections)"),
            ("Queue Timeout", "\(config.daemon.queueTimeout) (seconds)"),
            ("Server Capacity", "\(MPMSizing(maxClients: config.maxClients, initial: config.apache.initialWorkers, minimumSpare: config.apache.minimumSpareWorkers, maximumSpare: config.apache.maximumSpareWorkers).maxRequestWorkers) (event)"),
            ("Server Backlog", "\(config.serverBacklog) (connections)"),
            ("Locale Setting", config.locale),
        ]
        if includeControlFiles {
            rows.append(("Environ Variables", config.envvarsPath))
            rows.append(("Control Script", config.controlScriptPath))
        }
        if config.debugging.enabled { rows.append(("Debug Mode", "1 process, 1 thread, Apache in the foreground")) }
        return rows.map { label, value in
            label.padding(toLength: 18, withPad: " ", startingAt: 0) + " : " + value
        }
    }

    private static func entryPointRow(_ config: ServerConfiguration) -> (String, String) {
        switch config.applicationType {
        case .script: return ("WSGI Script", config.scriptPath + (config.usesDefaultScript ? " (welcome page)" : ""))
        case .module: return ("WSGI Module", config.scriptPath)
        case .paste: return ("Paste Config", config.scriptPath)
        case .static: return ("Static Files", config.documentRoot)
        }
    }
}

// The C shim's callbacks into Swift: start_response, write, wsgi.input reads and log lines.
import CPyShim
import CPython
import Logging

enum CallbackBridge {
    static let logger = Logger(label: "mod_wsgi")

    static func install() {
        var callbacks = swpy_callbacks(
            start_response: { context, status, headers, excInfo in
                WSGIRequest.from(context).startResponse(status: status!, headers: headers!, excInfo: excInfo!)
            },
            write: { context, data in
                WSGIRequest.from(context).writeCallable(data!)
            },
            read_body: { context, serial, data, length, errorBuffer, errorLength in
                WSGIRequest.from(context).readBodyChunk(serial: UInt(serial), data: data!, length: length!,
                                                        errorBuffer: errorBuffer!, errorLength: errorLength)
            },
            log_line: { level, remote, remoteLength, text, length in
                CallbackBridge.logLine(level: level, remote: remote, remoteLength: remoteLength, text: text, length: length)
            })
        swpy_set_callbacks(&callbacks)
    }

    static func logLine(level: Int32, remote: UnsafePointer<CChar>?, remoteLength: Int,
                        text: UnsafePointer<CChar>?, length: Int) {
        let line = String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        var metadata: Logger.Metadata?
        if let remote {
            let address = String(decoding: UnsafeRawBufferPointer(start: remote, count: remoteLength), as: UTF8.self)
            metadata = ["remote": .string(address)]
        }
        let swiftLevel: Logger.Level
        switch level {
        case Int32(SWPY_LOG_INFO): swiftLevel = .info
        case Int32(SWPY_LOG_WARNING): swiftLevel = .warning
        case Int32(SWPY_LOG_CRITICAL): swiftLevel = .critical
        case Int32(SWPY_LOG_DEBUG): swiftLevel = .debug
        default: swiftLevel = .error
        }
        logger.log(level: swiftLevel, "\(line)", metadata: metadata)
    }
}

/// Copies a message into a C buffer, cut to fit and NUL-terminated.
func copyMessage(_ message: String, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) {
    let bytes = Array(message.utf8.prefix(capacity - 1))
    bytes.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
    }
    buffer[bytes.count] = 0
}

import Foundation

/// Whether a directory, and every one above it, can only be changed by root or by `owner`: what
/// is written below it (httpd.conf, which root's Apache reads) cannot then be swapped by another
/// user. A directory above may be writable by others when it is sticky (/tmp), since then they
/// cannot rename or remove what is not theirs.
enum TrustedDirectory {
    /// nil when `path` is trusted, else why not.
    static func problem(_ path: String, owner: UInt32) -> String? {
        var current = (path as NSString).standardizingPath
        while true {
            var info = stat()
            guard stat(current, &info) == 0 else {
                return "cannot check \(current): \(String(cString: strerror(errno)))"
            }
            if info.st_uid != 0 && info.st_uid != owner {
                return "\(current) belongs to uid \(info.st_uid), so that user could replace what is in it"
            }
            if info.st_mode & 0o022 != 0 && info.st_mode & S_ISVTX == 0 {
                return "\(current) is writable by other users (mode \(String(info.st_mode & 0o7777, radix: 8))), "
                    + "so they could replace what is in it"
            }
            if current == "/" { return nil }
            current = (current as NSString).deletingLastPathComponent
        }
    }
}

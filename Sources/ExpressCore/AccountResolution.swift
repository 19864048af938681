/// Chooses Apache's `User` and `Group`.
///
/// Apache's parent must start as root to switch its children (and our daemons) to another user,
/// and it refuses to serve requests as root. So a root invocation must name a user; otherwise
/// the invoking user runs everything, as with mod_wsgi-express.
enum AccountResolution {
    struct Accounts: Equatable {
        let user: String
        let group: String
    }

    static func resolve(user: String?, group: String?, in host: HostEnvironment) throws -> Accounts {
        let account: HostEnvironment.Account
        if let user {
            account = try named(user, in: host)
            if account.uid == 0 {
                throw ExpressError("--user \(user): Apache refuses to serve requests as root; "
                                   + "choose an unprivileged user such as www-data")
            }
        } else {
            if host.uid == 0 {
                throw ExpressError("mod_wsgi-express is running as root: Apache will not serve "
                                   + "requests as root, so pass --user NAME (for example --user www-data)")
            }
            account = host.accountWithID(host.uid)
                ?? HostEnvironment.Account(name: "#\(host.uid)", uid: host.uid, gid: host.gid)
        }
        let groupName: String
        if let group {
            try checkGroup(group, in: host)
            groupName = group
        } else {
            // The named user's own primary group; for the invoking user, the process's group.
            let gid = user == nil ? host.gid : account.gid
            groupName = host.groupNameWithID(gid) ?? "#\(gid)"
        }
        return Accounts(user: user ?? account.name, group: groupName)
    }

    /// A user by name or, as Apache allows, `#uid`.
    private static func named(_ user: String, in host: HostEnvironment) throws -> HostEnvironment.Account {
        if let uid = numericID(user) {
            return host.accountWithID(uid) ?? HostEnvironment.Account(name: user, uid: uid, gid: host.gid)
        }
        guard let account = host.accountNamed(user) else {
            throw ExpressError("--user \(user): no such user on this system")
        }
        return account
    }

    private static func checkGroup(_ group: String, in host: HostEnvironment) throws {
        if numericID(group) != nil { return }
        if host.groupIDNamed(group) == nil {
            throw ExpressError("--group \(group): no such group on this system")
        }
    }

    private static func numericID(_ value: String) -> UInt32? {
        guard value.hasPrefix("#") else { return nil }
        return UInt32(value.dropFirst())
    }
}

/// Picks the locale for the daemon processes (`lang=` and `locale=`) and apachectl's LANG/LC_ALL.
/// Python decodes file names and environ with it, so the plain C locale is replaced by a UTF-8
/// one, as mod_wsgi-express does.
enum LocaleSelection {
    static func choose(requested: String?, in host: HostEnvironment) -> String {
        if let requested { return requested }
        let inherited = ["LC_ALL", "LC_CTYPE", "LANG"]
            .compactMap { host.variables[$0] }
            .first { !$0.isEmpty }
        if let inherited, inherited != "C", inherited != "POSIX", host.localeIsAvailable(inherited) {
            return inherited
        }
        return host.localeIsAvailable("en_US.UTF-8") ? "en_US.UTF-8" : "C.UTF-8"
    }
}

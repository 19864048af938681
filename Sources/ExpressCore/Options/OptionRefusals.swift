/// Options mod_wsgi-express accepts that cannot act here: giving one is an error that says why,
/// never a silent no-op.
enum OptionRefusals {
    static func check(_ parsed: ParsedOptions) throws {
        for name in parsed.typed {
            guard let option = ExpressOptionTable.option(name),
                  case .refused(let reason) = option.treatment else { continue }
            throw ExpressError("--\(name) is not supported: \(reason)")
        }
    }
}

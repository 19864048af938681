// The hooks Apache calls outside the handler (WSGIDispatchScript, WSGIAccessScript,
// WSGIAuthUserScript, WSGIAuthGroupScript), answered in the worker: the module sends an ordinary
// request whose head names the function and its arguments, and gets one HOOK_RESULT back
// (protocol/PROTOCOL.md, "Hooks"). The rules of what each function may return are mod_wsgi's,
// written once in Python (host helper `run_hook`).
import CPyShim
import CPython
import WireProtocol

/// What a hook request asks for, from the head's `mod_wsgi.x-hook*` keys.
public struct HookCall {
    let function: UnsafeRawBufferPointer
    let script: UnsafeRawBufferPointer
    let user, password, realm, host: UnsafeRawBufferPointer?

    /// The hook call in a decoded head, or nil when the head is an ordinary request.
    public init?(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer) {
        guard let function = head.value(spelled: "mod_wsgi.x-hook", in: payload) else { return nil }
        self.function = function
        script = head.value(spelled: "mod_wsgi.x-hook_script", in: payload) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        user = head.value(spelled: "mod_wsgi.x-hook_user", in: payload)
        password = head.value(spelled: "mod_wsgi.x-hook_password", in: payload)
        realm = head.value(spelled: "mod_wsgi.x-hook_realm", in: payload)
        host = head.value(spelled: "mod_wsgi.x-hook_host", in: payload)
    }
}

extension WSGIRequest {
    /// Answers a hook request with one HOOK_RESULT (or APP_LOAD_FAILED when its script does not
    /// load). The request body, if any, is not read.
    public func runHook(_ call: HookCall, head: RequestHeadDecoder, payload: UnsafeRawBufferPointer,
                        times: RequestTimes) -> RequestOutcome {
        serve(head: head, payload: payload) { context, serial in
            scriptPath.removeAll(keepingCapacity: true)
            scriptPath.append(contentsOf: call.script)
            let module: PyObjectPointer
            switch context.scripts.module(script: call.script) {
            case .success(let loaded): module = loaded
            case .failure(let failure): return sendLoadFailure(reason: failure.reason, logLines: failure.logLines)
            }
            defer { Py_DECREF(module) }
            return withRequestObjects(in: context, head: head, payload: payload, times: times, serial: serial) {
                environ, _ in
                sendHookResult(answer(call, module: module, environ: environ, helpers: context.helpers))
            }
        }
    }

    /// The HOOK_RESULT frame for the call: FAILED (with the reason logged) when the function is
    /// missing, raises, or answers what it may not.
    private func answer(_ call: HookCall, module: PyObjectPointer, environ: PyObjectPointer,
                        helpers: PyObjectPointer) -> [UInt8] {
        func argument(_ bytes: UnsafeRawBufferPointer?) -> PyObjectPointer? {
            guard let bytes else { return Py.none() }
            return Py.latin1(bytes)
        }
        guard let runHook = PyDict_GetItemString(helpers, "run_hook"),
              let function = Py.latin1(call.function) else { return failedHook() }
        let arguments = [argument(call.user), argument(call.password), argument(call.realm), argument(call.host)]
        defer { for object in arguments { if let object { Py_DECREF(object) } }; Py_DECREF(function) }
        guard arguments.allSatisfy({ $0 != nil }) else { return failedHook() }
        guard let result = Py.call(runHook, [module, function, environ] + arguments.map { $0! }) else {
            reportException()
            return failedHook()
        }
        defer { Py_DECREF(result) }
        guard let (outcome, values) = Py.hookAnswer(result),
              let hookOutcome = FrameEncoder.HookOutcome(rawValue: outcome),
              let frame = FrameEncoder.hookResult(hookOutcome, values: values) else {
            log(.error, "The answer of \(String(decoding: call.function, as: UTF8.self))() in WSGI script "
                + "'\(scriptPathText)' is not one Apache can use (a string with a control character, or too long).")
            return failedHook()
        }
        return frame
    }

    private func failedHook() -> [UInt8] {
        FrameEncoder.hookResult(.failed)!
    }

    private func sendHookResult(_ frame: [UInt8]) -> RequestOutcome {
        pending.append(contentsOf: frame)
        return flush() ? .completed : .connectionFailed(failure ?? "send failed")
    }
}

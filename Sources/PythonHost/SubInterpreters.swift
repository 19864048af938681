// The sub-interpreters of one worker process, one per application group other than %{GLOBAL},
// created on first use (Py_NewInterpreter; in 3.11 they share the one GIL) and ended at shutdown.
#if canImport(Glibc)
import Glibc
#endif
import CPyShim
import CPython
import Logging

typealias ThreadStatePointer = UnsafeMutablePointer<PyThreadState>

final class SubInterpreters: @unchecked Sendable {
    // @unchecked: `contexts` and `running` are only touched with the GIL held; creation is
    // serialised by createLock.
    private let settings: InterpreterSettings
    private var contexts: [InterpreterContext] = []
    /// The sub-interpreter each request thread is running a request in, by PyThread ident: where
    /// an injected RequestTimeout must go.
    private var running: [UInt: InterpreterContext] = [:]
    private let createLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(settings: InterpreterSettings) {
        self.settings = settings
        pthread_mutex_init(createLock, nil)
    }

    /// The interpreter of application group `name` (not ""), created on first use. Call with the
    /// GIL held and a main-interpreter thread state current; that stays current on return.
    func context(named name: UnsafeRawBufferPointer) -> Result<InterpreterContext, ScriptLoadFailure> {
        if let found = find(name) { return .success(found) }
        // Another thread may be creating it with the GIL released now and then: wait without the GIL.
        if pthread_mutex_trylock(createLock) != 0 {
            withoutGIL { _ = pthread_mutex_lock(createLock) }
        }
        defer { pthread_mutex_unlock(createLock) }
        if let found = find(name) { return .success(found) }
        return create(name: Array(name))
    }

    /// Every sub-interpreter made so far (GIL held).
    var all: [InterpreterContext] { contexts }

    private func find(_ name: UnsafeRawBufferPointer) -> InterpreterContext? {
        for context in contexts where context.name.elementsEqual(name) { return context }
        return nil
    }

    private func create(name: [UInt8]) -> Result<InterpreterContext, ScriptLoadFailure> {
        let text = String(decoding: name, as: UTF8.self)
        let caller = PyThreadState_Get()
        guard let created = Py_NewInterpreter() else {
            PyThreadState_Swap(caller)
            let message = "could not create the Python interpreter for application group '\(text)'"
            return .failure(ScriptLoadFailure(reason: message, logLines: [message + "."]))
        }
        defer { PyThreadState_Swap(caller) }
        do {
            let context = try InterpreterContext.setUp(name: name, settings: settings)
            // The creating thread keeps the first thread state as its own for this interpreter.
            context.threadStates.append((UInt(PyThread_get_thread_ident()), created))
            contexts.append(context)
            CallbackBridge.logger.info("Created the Python interpreter for application group '\(text)'.")
            return .success(context)
        } catch {
            Py_EndInterpreter(created)
            let message = "could not set up the Python interpreter for application group '\(text)': \(error)"
            return .failure(ScriptLoadFailure(reason: message, logLines: [message]))
        }
    }

    /// This thread's thread state in `context`, made the first time (GIL held). Thread states are
    /// never made per request: that is slower and would reset threading.local.
    func threadState(in context: InterpreterContext) -> ThreadStatePointer {
        let ident = UInt(PyThread_get_thread_ident())
        for entry in context.threadStates where entry.ident == ident { return entry.state }
        let state = PyThreadState_New(context.state)!
        context.threadStates.append((ident, state))
        return state
    }

    /// Marks the calling thread as running a request in `context` (GIL held), or as done (nil).
    func setRunning(_ context: InterpreterContext?, ident: UInt) {
        running[ident] = context
    }

    /// Schedules `context`'s RequestTimeout in thread `ident` if it is running a request in a
    /// sub-interpreter. GIL held with a main-interpreter thread state current. nil when the thread
    /// is in the main interpreter.
    func injectRequestTimeout(threadIdent ident: UInt) -> Bool? {
        guard let context = running[ident] else { return nil }
        // PyThreadState_SetAsyncExc looks only at the current interpreter's threads. A temporary
        // thread state is fine here: this runs once per overdue request, never per request.
        let temporary = PyThreadState_New(context.state)!
        let previous = PyThreadState_Swap(temporary)
        let injected = swpy_inject_async_exception(ident, context.requestTimeout) == 1
        PyThreadState_Swap(previous)
        PyThreadState_Clear(temporary)
        PyThreadState_Delete(temporary)
        return injected
    }

    /// Ends every sub-interpreter, from the thread that will finalize Python, once no request
    /// thread is left (GIL held, main thread state current, which is current again on return).
    /// Returns false when one could not be ended safely: then Python must not be finalized
    /// either (3.11 aborts Py_FinalizeEx while a sub-interpreter remains).
    func endAll() -> Bool {
        let caller = PyThreadState_Get()
        defer { PyThreadState_Swap(caller) }
        let ident = UInt(PyThread_get_thread_ident())
        while let context = contexts.last {
            // Use this thread's own state when it has one (it may be threading's main thread there).
            let own = context.threadStates.first { $0.ident == ident }?.state
            let ending = own ?? PyThreadState_New(context.state)!
            PyThreadState_Swap(ending)
            context.flushStandardStreams()
            // The request threads have left; their states are idle and can go.
            for entry in context.threadStates where entry.state != ending {
                PyThreadState_Clear(entry.state)
                PyThreadState_Delete(entry.state)
            }
            context.threadStates.removeAll()
            let others = otherThreads(of: context, than: ending)
            if others > 0 {
                // Threads the application started are still running. Py_EndInterpreter would abort
                // the process ("not the last thread") if any outlived threading's join, and
                // deleting their states under them would crash them: leave Python as it is.
                CallbackBridge.logger.warning("Not finalizing Python: application group '\(context.nameText)' has \(others) thread(s) of its own still running; exiting without ending its interpreter.")
                context.threadStates.append((ident, ending))
                return false
            }
            contexts.removeLast()
            Py_EndInterpreter(ending)
            PyThreadState_Swap(caller)
            CallbackBridge.logger.info("Ended the Python interpreter for application group '\(context.nameText)'.")
        }
        return true
    }

    private func otherThreads(of context: InterpreterContext, than ending: ThreadStatePointer) -> Int {
        var count = 0
        var state = PyInterpreterState_ThreadHead(context.state)
        while let current = state {
            if current != ending { count += 1 }
            state = PyThreadState_Next(current)
        }
        return count
    }
}

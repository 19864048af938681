/// resource.wsgi: answers for document-root files whose extension --add-handler names, by
/// calling `handle_request` (else `application`) of the script given for that extension.
enum ResourceScriptTemplate {
    static func render(_ config: ServerConfiguration) -> String {
        "# Written by mod_wsgi-express (mod_wsgi-swift); rewritten on every setup.\n"
            + "resources = \(PythonLiteral.pairs(config.site.handlerScripts.map { ($0.first, $0.second) }))\n" + body
    }

    static let body = #"""

    import os
    import re
    import sys
    import types

    _modules = {}
    for _extension, _script in resources:
        _name = '__wsgi_resource%s__' % re.sub(r'\W', '_', _extension)
        _module = types.ModuleType(_name)
        _module.__file__ = _script
        with open(_script, 'rb') as _stream:
            exec(compile(_stream.read(), _script, 'exec', dont_inherit=True), _module.__dict__)
        sys.modules[_name] = _module
        _modules[_extension] = _module


    def _module_for(resource):
        return _modules[os.path.splitext(resource)[1]]


    def reload_required(resource):
        function = getattr(_module_for(resource), 'reload_required', None)
        return function(resource) if function is not None else False


    def handle_request(environ, start_response):
        module = _module_for(environ['SCRIPT_NAME'])
        function = getattr(module, 'handle_request', None) or getattr(module, 'application')
        return function(environ, start_response)

    """#
}

"""LSP features, one module each, each a set of plain functions over an :class:`Analysis`.

The server module only wires these to LSP methods; a failure inside one feature is caught at
that boundary (see :func:`docksense.server.guarded`) so it never takes down the others.
"""

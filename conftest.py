"""Repository-level pytest wiring.

The harness's own plugin (fixtures ``autotask_fake`` and ``autotask_server``) is loaded through its
``pytest11`` entry point once the package is installed; ``pytester`` lets the tests run the plugin
in a fresh pytest process.
"""

pytest_plugins = ["pytester"]

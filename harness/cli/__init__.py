"""The ``autotask-harness`` command line: one module per command, and the one error convention.

The commands are thin: each parses its options and calls the subpackage that does the work.
"""

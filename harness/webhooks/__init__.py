"""The webhook receiver contract: the callouts it sends, how it judges a receiver, the pytest fixture, and
the reference receiver (the one to copy).
"""

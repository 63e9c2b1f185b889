"""The contract suite: the reference client (the one to copy), the adapters that drive any client,
the workflows it is driven through, and the tenant values they use.
"""

"""Benchmarking across municipalities (issue 15, F26): each municipality's key figures of the
total draw side by side, with peer groups, ranks and expected against actual cost."""

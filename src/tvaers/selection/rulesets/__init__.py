"""The ready-made target-group rule sets (YAML), from the seeds."""

"""Data entry: forms that become changesets of a store."""

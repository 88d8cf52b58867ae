"""Text handling shared by the loader, the index and the interface."""

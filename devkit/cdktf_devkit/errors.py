class PrerequisiteError(RuntimeError):
    """Something the toolchain needs is missing; the message says what and how to fix it."""

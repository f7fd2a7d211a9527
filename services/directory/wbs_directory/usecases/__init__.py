"""Directory's use cases: tenants (``tenants``), officers' accounts (``officers``), sign-in and
sessions (``sign_in``). Each runs in one unit of work."""

from wbs_directory.usecases.tenants import ImportResult, import_tenants, publish_all

__all__ = ["ImportResult", "import_tenants", "publish_all"]

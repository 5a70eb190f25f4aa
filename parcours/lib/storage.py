"""Private file storage: documents and generated PDFs have no URL at all.

Django's storages fall back to MEDIA_URL when they have no base URL; these refuse,
so a template or view can never link to a private file by mistake. Files are only
ever returned by views that check who is asking.
"""

from django.core.files.storage import FileSystemStorage, InMemoryStorage


class NoUrlMixin:
    def url(self, name):
        raise ValueError(
            "Private files are not accessible via a URL; "
            "serve them through a view that checks access."
        )


class PrivateFileSystemStorage(NoUrlMixin, FileSystemStorage):
    pass


class PrivateInMemoryStorage(NoUrlMixin, InMemoryStorage):
    """For tests."""

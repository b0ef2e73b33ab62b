"""Static files storage for production: WhiteNoise's compressed manifest, tolerant only where it must be.

``collectstatic`` with a manifest storage rewrites every ``url(...)`` in CSS (and ``sourceMappingURL``
in JS) to the hashed file name, and fails on a reference to a file that does not exist. Some
third-party packages ship CSS that points at files they do not ship (viewflow's copy of
roboto-fontface references ``Roboto-Thin.woff2`` and others). We do not use those styles, and we
cannot fix the packages, so references *from files under the prefixes named below* that point at a
missing file are left as they are (the browser would get a 404 for a font no page of ours asks
for). Every other file stays strict: a broken reference in our own ``static/`` still fails the
build, and ``{% static %}`` of a file missing from the manifest still raises.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

# Source files whose broken references are tolerated: third-party packages only, never static/.
TOLERATE_MISSING_REFERENCES_IN = ("viewflow/",)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    tolerate_missing_references_in = TOLERATE_MISSING_REFERENCES_IN

    def url_converter(self, name, hashed_files, template=None):
        converter = super().url_converter(name, hashed_files, template)
        source = name.replace("\\", "/")
        if not source.startswith(self.tolerate_missing_references_in):
            return converter

        def tolerant_converter(matchobj):
            try:
                return converter(matchobj)
            except ValueError:
                logger.debug("%s: leaving the reference %r to a missing file", name, matchobj["url"])
                return matchobj["matched"]

        return tolerant_converter

"""Whatever is uploaded, reading it never fails and never yields a name that points
anywhere: the files of an upload are plain YAML files, at most twenty, named by their
last part."""

from __future__ import annotations

import contextlib
import io
import warnings
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from readiness.core.errors import IssueList
from readiness.core.uploads import MAX_FILES, YAML_SUFFIXES, definition_files, safe_name

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60).map(
    lambda text: text + ".yaml"
) | st.text(max_size=30)


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP of these members; repeated names are kept, as a hostile archive may hold them."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        for name, raw in members:
            with contextlib.suppress(ValueError, IndexError):  # names zipfile cannot write
                archive.writestr(name or "x", raw)
    return buffer.getvalue()


@given(
    st.lists(
        st.tuples(names, st.binary(max_size=200))
        | st.tuples(
            st.just("set.zip"),
            st.lists(st.tuples(names, st.binary(max_size=50)), max_size=25).map(zip_of),
        )
        | st.tuples(names, st.binary(max_size=100).map(lambda raw: b"PK\x03\x04" + raw)),
        max_size=25,
    )
)
def test_any_upload_gives_safe_yaml_files_or_says_why(uploads: list[tuple[str, bytes]]) -> None:
    issues = IssueList()
    files = definition_files(uploads, issues)
    assert len(files) <= MAX_FILES
    for name in files:
        assert name.lower().endswith(YAML_SUFFIXES)
        assert not any(mark in name for mark in ("/", "\\", "\x00", "<", ">"))
    for issue in issues.items:
        assert issue.message  # every refusal says why


def test_names_keep_only_their_last_part() -> None:
    assert safe_name("../../etc/passwd.yaml") == "passwd.yaml"
    assert safe_name("C:\\Users\\me\\rules.yaml") == "rules.yaml"
    assert safe_name("") == "unnamed"

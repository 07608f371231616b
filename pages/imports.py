"""Import: upload exports, see what each would do, then import them (importers and admins only)."""

import hashlib

import streamlit as st

from coopdash.i18n import t
from coopdash.load import IMPORTABLE_SUFFIXES, ImportContext
from coopdash.webapp import access, server_guards, uploads
from coopdash.webapp.frame import prepare_database, registry, through_entry

f = through_entry()
lang = f.lang
access.require("import", lang)
st.title(t("imports.title", lang))
st.caption(t("imports.lede", lang))

libraries = registry().libraries
batch_number = st.session_state.setdefault("upload_batch", 0)  # a new uploader after each import
chosen = st.file_uploader(
    t("imports.choose", lang),
    type=sorted(suffix.lstrip(".") for suffix in IMPORTABLE_SUFFIXES),
    accept_multiple_files=True,
    key=f"upload_files_{batch_number}",
    help=t(
        "imports.batch_limit",
        lang,
        files=server_guards.MAX_FILES_PER_SESSION,
        mb=server_guards.upload_budget_bytes() >> 20,
    ),
)
left, right = st.columns([2, 1])
library = left.selectbox(
    t("imports.library", lang),
    [None, *libraries],
    format_func=lambda code: (
        t("imports.library_from_file", lang) if code is None else libraries[code].label(lang)
    ),
    key="upload_library",
)
strict = right.toggle(t("imports.strict", lang), key="upload_strict", help=t("imports.strict_help", lang))
done = st.session_state.pop("upload_done", None)  # the last import's results, shown once
if done is not None:
    st.subheader(t("imports.done", lang))
    st.dataframe(uploads.results_table(done, lang), hide_index=True, width="stretch")
    failed = [result for result in done if result.status == "failed"]
    if failed:
        st.error(t("imports.some_failed", lang, failed=len(failed), of=len(done)), icon=":material/error:")
    else:
        st.success(t("imports.all_done", lang, files=len(done)), icon=":material/check_circle:")
if not chosen:
    if done is None:
        st.info(t("imports.none_chosen", lang), icon=":material/upload_file:")
    st.stop()

files = [uploads.Upload(uploads.safe_name(upload.name), upload.getvalue()) for upload in chosen]
context = ImportContext(registry(), library=library, strict=strict, imported_by=access.current_user())
batch = hashlib.sha256(
    b"".join(hashlib.sha256(file.data).digest() for file in files) + repr((library, strict)).encode()
).hexdigest()

st.subheader(t("imports.preview", lang))
if st.session_state.get("upload_checked") != batch:
    with st.spinner(t("imports.checking", lang)):
        st.session_state.upload_preview = uploads.check(prepare_database(), files, context)
    st.session_state.upload_checked = batch
preview = st.session_state.upload_preview
st.dataframe(uploads.results_table(preview, lang), hide_index=True, width="stretch")
warnings = uploads.warnings_table(preview, lang)
if not warnings.empty:
    with st.expander(t("imports.warnings", lang, count=len(warnings))):
        st.dataframe(warnings, hide_index=True, width="stretch")

importable = [
    file for file, result in zip(files, preview, strict=True) if result.status in ("imported", "replaced")
]
st.caption(t("imports.confirm_note", lang, files=len(importable), of=len(preview)))
if st.button(t("imports.confirm", lang), type="primary", disabled=not importable, key="upload_confirm"):
    bar = st.progress(0.0)
    results = uploads.apply(
        prepare_database(),
        importable,
        context,
        progress=lambda done, total: bar.progress(
            done / total, t("imports.progress", lang, done=done, total=total)
        ),
    )
    st.session_state.pop("upload_checked", None)
    # The batch is in the database: its uploads leave the server's memory, and the page starts
    # again with an empty uploader and the results.
    server_guards.release_uploads()
    st.session_state.upload_batch = batch_number + 1
    st.session_state.upload_done = results
    st.rerun()

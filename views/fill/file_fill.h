// Fill functions for files: the upload form, a file's page and the list
// of files (templates upload.tpl, file_page.tpl, files.tpl).
#pragma once

#include <ctemplate/template.h>

#include <cstdint>
#include <string>

#include "model/store/file_store.h"
#include "model/store/page_store.h"
#include "model/text/file_name.h"

namespace wikid {

// "/_file/NAME": a file's latest bytes.
std::string FileUrl(const std::string& name);
// "/_blob/SHA/NAME": the bytes of one revision, for ever (immutable).
std::string BytesUrl(const FileRevision& file);
// "/_file-page/NAME": a file's page.
std::string FilePageUrl(const std::string& name);
// "12 bytes", "3.4 KB", "5.6 MB": what a reader needs to know before a
// download.
std::string SizeText(int64_t bytes);

// What the upload form shows: the fields as typed, and why it came back.
struct UploadFormState {
  std::string name;
  std::string summary;
  int64_t base_rev = 0;  // the revision the uploader saw; 0: a new file
  std::string error;     // empty: first showing
};
// upload.tpl (also included in file_page.tpl as UPLOAD_FORM).
void FillUploadForm(const UploadFormState& state, size_t max_upload_bytes,
                    size_t max_summary_bytes, const std::string& csrf_token,
                    ctemplate::TemplateDictionary* d);

// file_page.tpl: revision `shown`, the window `history` of revisions (with
// restore buttons carrying `csrf_token` when it is not empty) and the form
// for a new revision (in `upload`, filled by the caller when the viewer
// may upload).
void FillFilePage(const FileRevision& shown, const FileHistory& history,
                  const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d);

// file_page.tpl's list of the pages that show the file (the backlinks
// of its embeds, "File:NAME": model/store/page_store.h).
void FillFileUsers(const PageList& pages, ctemplate::TemplateDictionary* d);

// files.tpl: a window of files, alphabetical.
void FillFileList(const FileList& list, ctemplate::TemplateDictionary* d);

}  // namespace wikid

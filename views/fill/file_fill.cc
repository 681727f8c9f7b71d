#include "views/fill/file_fill.h"

#include <cstdio>

#include "model/base/time_text.h"
#include "model/media/media.h"
#include "views/fill/page_fill.h"

namespace wikid {

std::string SizeText(int64_t bytes) {
  char text[32];
  if (bytes < 1000) {
    snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    snprintf(text, sizeof text, "%.1f KB", static_cast<double>(bytes) / 1000);
  } else {
    snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return text;
}

namespace {

// What a revision is: "PNG image, 640 x 480 pixels, 12.3 KB".
void FillWhat(const FileRevision& file, ctemplate::TemplateDictionary* d) {
  d->SetValue("CONTENT_TYPE", file.content_type);
  d->SetValue("SIZE", SizeText(file.size));
  if (file.width > 0) {
    ctemplate::TemplateDictionary* image = d->AddSectionDictionary("DIMENSIONS");
    image->SetIntValue("WIDTH", file.width);
    image->SetIntValue("HEIGHT", file.height);
  }
}

}  // namespace

std::string FileUrl(const std::string& name) { return "/_file/" + UrlPathOfTitle(name).substr(1); }

std::string BytesUrl(const FileRevision& file) {
  return "/_blob/" + file.sha256 + "/" + UrlPathOfTitle(file.name).substr(1);
}

std::string FilePageUrl(const std::string& name) {
  return "/_file-page/" + UrlPathOfTitle(name).substr(1);
}

void FillUploadForm(const UploadFormState& state, size_t max_upload_bytes,
                    size_t max_summary_bytes, const std::string& csrf_token,
                    ctemplate::TemplateDictionary* d) {
  if (!state.error.empty()) d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->SetValue("NAME", state.name);
  d->SetValue("SUMMARY", state.summary);
  d->SetIntValue("BASE_REV", state.base_rev);
  d->SetIntValue("MAX_SUMMARY", static_cast<long>(max_summary_bytes));
  d->SetValue("MAX_SIZE", SizeText(static_cast<int64_t>(max_upload_bytes)));
  // A new revision of a known file keeps its name; a new file is named.
  d->ShowSection(state.base_rev > 0 ? "NAME_FIXED" : "NAME_TYPED");
}

void FillFileUsers(const PageList& pages, ctemplate::TemplateDictionary* d) {
  if (pages.pages.empty()) {
    d->ShowSection("NOT_USED");
    return;
  }
  ctemplate::TemplateDictionary* used = d->AddSectionDictionary("USED_BY");
  for (const PageListEntry& page : pages.pages) {
    ctemplate::TemplateDictionary* row = used->AddSectionDictionary("PAGE");
    row->SetValue("TITLE", page.title);
    row->SetValue("URL", UrlPathOfTitle(page.title));
  }
  if (pages.more) {
    used->AddSectionDictionary("MORE")->SetIntValue(
        "SHOWN", static_cast<long>(pages.pages.size()));
  }
}

void FillFilePage(const FileRevision& shown, const FileHistory& history,
                  const std::string& csrf_token, ctemplate::TemplateDictionary* d) {
  d->SetValue("NAME", shown.name);
  d->SetValue("PAGE_URL", FilePageUrl(shown.name));
  d->SetValue("BYTES_URL", BytesUrl(shown));
  d->SetValue("LATEST_URL", FileUrl(shown.name));
  d->SetIntValue("REV", shown.rev);
  d->SetIntValue("LATEST_REV", shown.latest_rev);
  d->SetValue("SHA256", shown.sha256);
  FillWhat(shown, d);
  if (!shown.is_latest()) d->ShowSection("OLD");
  if (ServedInline(shown.content_type)) {
    ctemplate::TemplateDictionary* image = d->AddSectionDictionary("IMAGE");
    image->SetValue("BYTES_URL", BytesUrl(shown));
    image->SetValue("ALT", shown.name);
    image->SetIntValue("WIDTH", shown.width);
    image->SetIntValue("HEIGHT", shown.height);
  } else {
    d->SetValueAndShowSection("DOWNLOAD_URL", BytesUrl(shown), "DOWNLOAD");
  }
  for (const FileRevision& r : history.revisions) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("REVISION");
    row->SetIntValue("REV", r.rev);
    row->SetValue("REV_URL", FilePageUrl(r.name) + "?rev=" + std::to_string(r.rev));
    row->SetValue("TIME", FormatTime(r.created_at));
    FillAuthor(r.author, r.author_is_account, row);
    FillWhat(r, row);
    row->SetValue("SUMMARY", r.summary);
    if (r.rev == shown.rev) row->ShowSection("SHOWN");
    if (!csrf_token.empty() && !r.is_latest()) {
      ctemplate::TemplateDictionary* restore = row->AddSectionDictionary("RESTORABLE");
      restore->SetValue("RESTORE_URL", "/_file-restore/" + UrlPathOfTitle(r.name).substr(1));
      restore->SetValue("CSRF_TOKEN", csrf_token);
      restore->SetIntValue("REV", r.rev);
      restore->SetIntValue("BASE_REV", history.latest_rev);
    }
  }
  if (!history.revisions.empty() && history.revisions.back().rev > 1) {
    d->SetValueAndShowSection(
        "URL", FilePageUrl(shown.name) + "?from=" +
                   std::to_string(history.revisions.back().rev - 1),
        "OLDER");
  }
}

void FillFileList(const FileList& list, ctemplate::TemplateDictionary* d) {
  if (list.files.empty()) d->ShowSection("EMPTY");
  for (const FileRevision& file : list.files) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("FILE");
    row->SetValue("NAME", file.name);
    row->SetValue("URL", FilePageUrl(file.name));
    row->SetIntValue("LATEST_REV", file.latest_rev);
    FillWhat(file, row);
  }
  if (list.more) {
    d->SetValueAndShowSection(
        "URL", "/_files?after=" + PercentEncodePath(list.files.back().name), "NEXT");
  }
}

}  // namespace wikid

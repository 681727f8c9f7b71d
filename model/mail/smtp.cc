#include "model/mail/smtp.h"

#include <curl/curl.h>

#include <cstring>

#include "model/text/mailbox.h"

namespace wikid {
namespace {

struct Upload {
  std::string data;
  size_t sent = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->data.size() - upload->sent);
  std::memcpy(buffer, upload->data.data() + upload->sent, n);
  upload->sent += n;
  return n;
}

}  // namespace

CurlSmtp::CurlSmtp(SmtpSettings settings) : settings_(std::move(settings)) {}

CurlSmtp::~CurlSmtp() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Status CurlSmtp::Send(const MailMessage& message) {
  for (const std::string* address : {&message.from, &message.to}) {
    if (!CheckMailbox(*address).ok()) {
      return Status::Invalid("not a mail address we send to: " + *address);
    }
  }
  if (curl_ == nullptr) {
    // The mailer is one thread: initialising here, on first use, is safe.
    static const bool initialised =
        curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!initialised) return Status::Internal("libcurl failed to start");
    curl_ = curl_easy_init();
    if (curl_ == nullptr) return Status::Internal("libcurl failed to start");
  }
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  Upload upload{FormatMessage(message)};
  std::string from = "<" + message.from + ">";
  curl_slist* recipients =
      curl_slist_append(nullptr, ("<" + message.to + ">").c_str());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(upload.data.size()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (!settings_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
  }
  if (settings_.starttls)
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  if (rc != CURLE_OK) {
    return Status::Unavailable(
        std::string(curl_easy_strerror(rc)) +
        (error[0] != '\0' ? std::string(": ") + error : ""));
  }
  return Status::Ok();
}

}  // namespace wikid

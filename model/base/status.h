// Status and Result<T>: expected failures as values, after LevelDB's Status.
//
// Model calls return a Status (or a Result<T>, a value or a Status) instead
// of throwing. The codes are the failures a caller can act on; one function
// in views/ maps them to HTTP statuses, so no handler invents its own.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace wikid {

class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,     // the thing asked for does not exist
    kConflict,     // someone else changed it first; nothing was written
    kInvalid,      // the input breaks a rule; the message names the rule
    kForbidden,    // this person may not do that (a protected page, ...)
    kBusy,         // the database stayed locked past the busy timeout
    kUnavailable,  // storage cannot take writes (disk full, read-only, I/O)
    kTooComplex,   // the input needs more time to process than allowed
    kUnsupported,  // the input is of a kind this wiki does not take
    kInternal,     // a bug or an unexpected library error
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {Code::kNotFound, m}; }
  static Status Conflict(std::string m) { return {Code::kConflict, m}; }
  static Status Invalid(std::string m) { return {Code::kInvalid, m}; }
  static Status Forbidden(std::string m) { return {Code::kForbidden, m}; }
  static Status Busy(std::string m) { return {Code::kBusy, m}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, m}; }
  static Status TooComplex(std::string m) { return {Code::kTooComplex, m}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, m}; }
  static Status Internal(std::string m) { return {Code::kInternal, m}; }
  // Unavailable, for a write whose outcome is unknown (its commit was sent
  // and not confirmed): it may have been stored, so no one may say it was
  // not.
  static Status Unconfirmed(std::string m) {
    Status s(Code::kUnavailable, std::move(m));
    s.unconfirmed_ = true;
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsInvalid() const { return code_ == Code::kInvalid; }
  bool IsForbidden() const { return code_ == Code::kForbidden; }
  Code code() const { return code_; }
  bool unconfirmed() const { return unconfirmed_; }
  // A human sentence, safe to show to the user (no paths, no SQL).
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  bool unconfirmed_ = false;
};

// A T or the Status saying why there is none. Constructing a Result from an
// ok Status is a bug.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  // The value, or `fallback` when there is none.
  T value_or(T fallback) && {
    return ok() ? std::move(*value_) : std::move(fallback);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace wikid

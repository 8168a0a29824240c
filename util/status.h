// Status and Result<T>: Cairn's one error policy (see shared/STYLE.md §5).
//
// A Status is a semantic code plus a human-readable message; OK carries no
// message and costs one byte and an empty string. Result<T> holds either a
// value or a non-OK Status. Both are [[nodiscard]]: ignoring an error is a bug.
// Thread-safety: plain values; distinct objects may be used from any thread.
//
//   Result<Labels> ParseLabels(std::string_view s);
//   auto r = ParseLabels(text);
//   if (!r.ok()) return r.status();
//   Labels ls = std::move(r).value();
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from a caller or a client (API: bad_data)
  kNotFound,            // API: not_found
  kDuplicateSample,     // same timestamp, different value
  kCorruption,          // on-disk or wire data is damaged
  kIOError,             // the OS or RocksDB failed
  kTimeout,             // API: timeout
  kCanceled,            // API: canceled
  kResourceExhausted,   // a limit was hit (samples, bytes, series)
  kUnavailable,         // not ready / shutting down / feature disabled
  kUnsupported,         // an encoding or version we do not speak
  kExecution,           // a query failed while evaluating (API: execution)
  kInternal,            // our own bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status DuplicateSample(std::string m) { return {StatusCode::kDuplicateSample, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
  static Status Canceled(std::string m) { return {StatusCode::kCanceled, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Execution(std::string m) { return {StatusCode::kExecution, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithContext(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {            // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  // Preconditions: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The value, or `fallback` when there is none.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cairn

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::cairn::Status _cairn_st = (expr);        \
    if (!_cairn_st.ok()) return _cairn_st;     \
  } while (0)

namespace cairn {
// Moves the value of `r` into *out, or gives its Status (for CAIRN_ASSIGN_OR_RETURN).
template <typename T, typename U>
Status AssignOrStatus(T* out, Result<U> r) {
  if (!r.ok()) return r.status();
  *out = std::move(r).value();
  return Status::OK();
}
}  // namespace cairn

// Evaluates `rexpr` (a Result); returns its Status from the enclosing
// function when it holds no value, else moves the value into `lhs`. One
// statement, so it may stand alone after an `if`.
#define CAIRN_ASSIGN_OR_RETURN(lhs, rexpr) CAIRN_RETURN_IF_ERROR(::cairn::AssignOrStatus(&(lhs), (rexpr)))

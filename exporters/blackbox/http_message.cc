#include "exporters/blackbox/http_message.h"

#include <cctype>
#include <charconv>

namespace cairn::blackbox {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::string CanonicalHeaderKey(std::string_view key) {
  std::string out(key);
  bool upper = true;
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
    upper = c == '-';
  }
  return out;
}

uint16_t Url::PortOrDefault() const {
  if (port.empty()) return scheme == "https" ? 443 : 80;
  unsigned v = 0;
  std::from_chars(port.data(), port.data() + port.size(), v);
  return static_cast<uint16_t>(v);
}

std::string Url::HostPort() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port.empty() ? h : h + ":" + port;
}

std::string Url::String() const {
  return scheme + "://" + (userinfo.empty() ? "" : userinfo + "@") + HostPort() + path_query;
}

Result<Url> ParseUrl(std::string_view text) {
  Url u;
  size_t colon = text.find("://");
  if (colon == std::string_view::npos) return Status::InvalidArgument("parse \"" + std::string(text) + "\": missing scheme");
  u.scheme = std::string(text.substr(0, colon));
  for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https")
    return Status::InvalidArgument("unsupported protocol scheme \"" + u.scheme + "\"");
  std::string_view rest = text.substr(colon + 3);
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (size_t hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority[0] == '[') {
    size_t end = authority.find(']');
    if (end == std::string_view::npos)
      return Status::InvalidArgument("parse \"" + std::string(text) + "\": missing ']' in host");
    u.host = std::string(authority.substr(1, end - 1));
    std::string_view after = authority.substr(end + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::InvalidArgument("parse \"" + std::string(text) + "\": invalid port");
      u.port = std::string(after.substr(1));
    }
  } else {
    size_t c = authority.rfind(':');
    u.host = std::string(authority.substr(0, c));
    if (c != std::string_view::npos) u.port = std::string(authority.substr(c + 1));
  }
  for (char c : u.port)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return Status::InvalidArgument("parse \"" + std::string(text) + "\": invalid port \":" + u.port + "\" after host");
  if (u.host.empty()) return Status::InvalidArgument("http: no Host in request URL");
  u.path_query = tail.empty() ? "/" : std::string(tail);
  if (u.path_query[0] == '?') u.path_query = "/" + u.path_query;
  return u;
}

Result<Url> ResolveUrl(const Url& base, std::string_view location) {
  location = Trim(location);
  if (location.find("://") != std::string_view::npos) return ParseUrl(location);
  if (location.substr(0, 2) == "//") return ParseUrl(base.scheme + ":" + std::string(location));
  Url u = base;
  if (size_t hash = location.find('#'); hash != std::string_view::npos) location = location.substr(0, hash);
  if (location.empty()) return u;
  if (location[0] == '/') {
    u.path_query = std::string(location);
  } else if (location[0] == '?') {
    u.path_query = base.path_query.substr(0, base.path_query.find('?')) + std::string(location);
  } else {
    std::string dir = base.path_query.substr(0, base.path_query.find('?'));
    dir = dir.substr(0, dir.rfind('/') + 1);
    u.path_query = dir + std::string(location);
  }
  return u;
}

std::vector<std::string> HttpResponseHead::Values(std::string_view canonical_name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == canonical_name) out.push_back(v);
  return out;
}

std::string HttpResponseHead::Get(std::string_view canonical_name) const {
  for (const auto& [k, v] : headers)
    if (k == canonical_name) return v;
  return "";
}

Result<size_t> ParseResponseHead(std::string_view buf, HttpResponseHead* head) {
  size_t end = buf.find("\r\n\r\n");
  size_t sep = 4;
  if (end == std::string_view::npos) {
    end = buf.find("\n\n");
    sep = 2;
    if (end == std::string_view::npos) {
      if (buf.size() > (1 << 20)) return Status::InvalidArgument("net/http: response headers too large");
      return size_t{0};
    }
  }
  std::string_view text = buf.substr(0, end);
  size_t line_end = text.find('\n');
  std::string_view status_line = Trim(text.substr(0, line_end));
  // "HTTP/1.1 200 OK"
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || status_line.substr(0, 5) != "HTTP/")
    return Status::InvalidArgument("malformed HTTP response \"" + std::string(status_line) + "\"");
  head->proto = std::string(status_line.substr(0, sp));
  std::string_view code = status_line.substr(sp + 1, 3);
  if (code.size() != 3 || !std::isdigit(static_cast<unsigned char>(code[0])) ||
      !std::isdigit(static_cast<unsigned char>(code[1])) || !std::isdigit(static_cast<unsigned char>(code[2])))
    return Status::InvalidArgument("malformed HTTP status code \"" + std::string(code) + "\"");
  head->status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  std::string_view rest = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Status::InvalidArgument("malformed MIME header line: " + std::string(line));
    std::string key = CanonicalHeaderKey(Trim(line.substr(0, colon)));
    std::string value(Trim(line.substr(colon + 1)));
    if (key == "Content-Length") {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 0)
        return Status::InvalidArgument("bad Content-Length \"" + value + "\"");
      head->content_length = n;
    } else if (key == "Transfer-Encoding" && EqualsIgnoreCase(value, "chunked")) {
      head->chunked = true;
    }
    head->headers.emplace_back(std::move(key), std::move(value));
  }
  if (head->chunked) head->content_length = -1;
  return end + sep;
}

Status ChunkedDecoder::Feed(std::string_view data, std::string* out) {
  for (size_t i = 0; i < data.size() && state_ != State::kDone;) {
    char c = data[i];
    switch (state_) {
      case State::kSize:
        if (std::isxdigit(static_cast<unsigned char>(c))) {
          if (remaining_ > (uint64_t{1} << 40)) return Status::InvalidArgument("http chunk length too large");
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c))
                                                                  ? c - '0'
                                                                  : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
          saw_digit_ = true;
        } else if (c == '\r' || c == ';' || c == ' ') {
          if (!saw_digit_) return Status::InvalidArgument("invalid byte in chunk length");
          state_ = State::kSizeLineEnd;
        } else if (c == '\n') {
          if (!saw_digit_) return Status::InvalidArgument("invalid byte in chunk length");
          state_ = remaining_ == 0 ? State::kTrailer : State::kData;
        } else {
          return Status::InvalidArgument("invalid byte in chunk length");
        }
        ++i;
        break;
      case State::kSizeLineEnd:  // chunk extensions up to the newline
        if (c == '\n') state_ = remaining_ == 0 ? State::kTrailer : State::kData;
        ++i;
        break;
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - i));
        out->append(data.substr(i, take));
        remaining_ -= take;
        i += take;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c == '\r') {
          state_ = State::kDataLf;
          ++i;
          break;
        }
        [[fallthrough]];
      case State::kDataLf:
        if (c != '\n') return Status::InvalidArgument("malformed chunked encoding");
        state_ = State::kSize;
        saw_digit_ = false;
        remaining_ = 0;
        ++i;
        break;
      case State::kTrailer:  // trailer lines until an empty one
        if (c == '\n') {
          if (trailer_line_.empty() || trailer_line_ == "\r") state_ = State::kDone;
          trailer_line_.clear();
        } else if (trailer_line_.size() < 8192) {
          trailer_line_ += c;
        }
        ++i;
        break;
      case State::kDone:
        break;
    }
  }
  return Status::OK();
}

}  // namespace cairn::blackbox

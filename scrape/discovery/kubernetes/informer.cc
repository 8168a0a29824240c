#include "scrape/discovery/kubernetes/informer.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "scrape/discovery/kubernetes/stream_get.h"
#include "scrape/discovery/refresh_loop.h"
#include "scrape/discovery/yaml_util.h"

namespace cairn::scrape::discovery::kubernetes {
namespace {

// RFC 3986 unreserved characters stay; everything else is %XX (Go's
// url.Values.Encode also turns spaces into '+', which servers read alike).
std::string QueryEscape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string SelectorParams(const InformerSpec& spec) {
  std::string q;
  if (!spec.field_selector.empty()) q += "&fieldSelector=" + QueryEscape(spec.field_selector);
  if (!spec.label_selector.empty()) q += "&labelSelector=" + QueryEscape(spec.label_selector);
  return q;
}

std::string Scalar(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return "";
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

// What a failed request says: the Status object's message when the body is
// one, else the HTTP status line.
Status ApiError(const std::string& what, const StreamResponse& res, const std::string& body) {
  std::string message = "server returned HTTP status " + std::to_string(res.status) + " " + res.reason;
  if (auto doc = LoadYaml(body); doc.ok() && Scalar(*doc, "kind") == "Status" && !Scalar(*doc, "message").empty()) {
    message = Scalar(*doc, "message");
  }
  return Status::Unavailable(what + ": " + message);
}

enum class WatchEnd { kExpired, kGone, kStopped };

class Runner {
 public:
  Runner(std::stop_token stop, const ApiConnection& conn, const InformerSpec& spec, size_t id,
         const InformerOptions& options, EventQueue& queue)
      : stop_(stop), conn_(conn), spec_(spec), id_(id), options_(options), queue_(queue),
        path_(CollectionPath(spec.kind, spec.namespace_)) {}

  void Run() {
    int64_t backoff_ms = options_.initial_backoff_ms;
    while (!stop_.stop_requested()) {
      Status st = List();
      while (st.ok() && !stop_.stop_requested()) {
        const auto started = std::chrono::steady_clock::now();
        events_ = 0;
        auto end = Watch();
        if (!end.ok()) {
          st = end.status();
        } else if (*end == WatchEnd::kGone) {
          break;  // list again at once
        } else if (events_ == 0 && std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
          // A server (or proxy) that ends watches at once would make this a
          // busy loop; client-go treats such a "very short watch" alike.
          if (!WaitFor(stop_, options_.initial_backoff_ms)) return;
        } else {
          backoff_ms = options_.initial_backoff_ms;  // a healthy watch resets the backoff
        }
      }
      if (st.ok() || stop_.stop_requested()) continue;
      Report(std::move(st));
      if (!WaitFor(stop_, backoff_ms)) return;
      backoff_ms = std::min(backoff_ms * 2, options_.max_backoff_ms);
    }
  }

 private:
  void Report(Status st) {
    if (st.code() == StatusCode::kCanceled && stop_.stop_requested()) return;
    InformerEvent e;
    e.informer = id_;
    e.type = InformerEvent::Type::kError;
    e.error = std::move(st);
    queue_.Push(std::move(e));
  }

  Status List() {
    std::string body;
    const std::string query = ListQuery(spec_);
    const std::string target = query.empty() ? path_ : path_ + "?" + query;
    auto res = StreamGet(conn_, target, options_.list_timeout_ms, stop_, [&](const StreamResponse&, std::string_view piece) {
      body.append(piece);
      return true;
    });
    if (!res.ok()) return res.status();
    if (res->status != 200) return ApiError("list " + path_, *res, body);
    auto doc = LoadYaml(body);
    if (!doc.ok()) return Status::InvalidArgument("list " + path_ + ": " + doc.status().message());
    InformerEvent e;
    e.informer = id_;
    e.type = InformerEvent::Type::kSynced;
    const YAML::Node items = doc->IsMap() ? (*doc)["items"] : YAML::Node();
    if (items && items.IsSequence()) {
      for (const auto& item : items) {
        auto obj = DecodeObject(spec_.kind, item);
        if (!obj.ok()) return Status::InvalidArgument("list " + path_ + ": " + obj.status().message());
        e.objects.push_back(std::move(obj).value());
      }
    }
    resource_version_ = doc->IsMap() ? Scalar((*doc)["metadata"], "resourceVersion") : "";
    queue_.Push(std::move(e));
    return Status::OK();
  }

  // Handles one watch event line; sets *gone on an expired resourceVersion.
  Status OnLine(const std::string& line, bool* gone) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return Status::OK();
    ++events_;
    auto doc = LoadYaml(line);
    if (!doc.ok() || !doc->IsMap()) return Status::InvalidArgument("watch " + path_ + ": undecodable event");
    const std::string type = Scalar(*doc, "type");
    const YAML::Node object = (*doc)["object"];
    if (type == "ERROR") {
      if (Scalar(object, "code") == "410") {
        *gone = true;
        return Status::OK();
      }
      return Status::Unavailable("watch " + path_ + ": " + Scalar(object, "message"));
    }
    if (object && object.IsMap()) {
      if (std::string rv = Scalar(object["metadata"], "resourceVersion"); !rv.empty()) resource_version_ = rv;
    }
    if (type == "BOOKMARK") return Status::OK();
    if (type != "ADDED" && type != "MODIFIED" && type != "DELETED") {
      return Status::InvalidArgument("watch " + path_ + ": unknown event type " + type);
    }
    auto obj = DecodeObject(spec_.kind, object);
    if (!obj.ok()) return Status::InvalidArgument("watch " + path_ + ": " + obj.status().message());
    InformerEvent e;
    e.informer = id_;
    e.type = type == "DELETED" ? InformerEvent::Type::kDelete : InformerEvent::Type::kUpsert;
    e.objects.push_back(std::move(obj).value());
    queue_.Push(std::move(e));
    return Status::OK();
  }

  Result<WatchEnd> Watch() {
    const std::string target =
        path_ + "?" + WatchQuery(spec_, resource_version_, options_.watch_timeout_seconds);
    std::string pending;  // an incomplete line
    std::string error_body;
    Status line_error;
    bool gone = false;
    auto res = StreamGet(conn_, target, (options_.watch_timeout_seconds + 30) * 1000, stop_,
                         [&](const StreamResponse& head, std::string_view piece) {
                           if (head.status != 200) {
                             error_body.append(piece);
                             return true;
                           }
                           pending.append(piece);
                           size_t start = 0;
                           for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
                             line_error = OnLine(pending.substr(start, nl - start), &gone);
                             if (!line_error.ok() || gone) return false;
                           }
                           pending.erase(0, start);
                           return true;
                         });
    if (!res.ok()) return res.status();
    if (res->status == 410) return WatchEnd::kGone;
    if (res->status != 200) return ApiError("watch " + path_, *res, error_body);
    if (!line_error.ok()) return line_error;
    if (gone) return WatchEnd::kGone;
    if (!pending.empty()) {
      CAIRN_RETURN_IF_ERROR(OnLine(pending, &gone));
      if (gone) return WatchEnd::kGone;
    }
    return stop_.stop_requested() ? WatchEnd::kStopped : WatchEnd::kExpired;
  }

  std::stop_token stop_;
  const ApiConnection& conn_;
  const InformerSpec& spec_;
  const size_t id_;
  const InformerOptions& options_;
  EventQueue& queue_;
  const std::string path_;
  std::string resource_version_;
  int64_t events_ = 0;  // lines of the current watch
};

}  // namespace

void EventQueue::Push(InformerEvent event) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  cv_.notify_one();
}

bool EventQueue::WaitPop(std::stop_token stop, std::vector<InformerEvent>* out) {
  std::unique_lock lock(mu_);
  if (!cv_.wait(lock, stop, [&] { return !events_.empty(); })) return false;
  out->clear();
  while (!events_.empty()) {
    out->push_back(std::move(events_.front()));
    events_.pop_front();
  }
  return true;
}

std::string ListQuery(const InformerSpec& spec) {
  std::string q = SelectorParams(spec);
  return q.empty() ? "" : q.substr(1);
}

std::string WatchQuery(const InformerSpec& spec, const std::string& resource_version, int64_t timeout_seconds) {
  return "allowWatchBookmarks=true" + SelectorParams(spec) + "&resourceVersion=" + QueryEscape(resource_version) +
         "&timeoutSeconds=" + std::to_string(timeout_seconds) + "&watch=true";
}

void RunInformer(std::stop_token stop, const ApiConnection& conn, const InformerSpec& spec, size_t id,
                 const InformerOptions& options, EventQueue& queue) {
  Runner(stop, conn, spec, id, options, queue).Run();
}

}  // namespace cairn::scrape::discovery::kubernetes

// Informer: keeps one Kubernetes collection (say the pods of one namespace,
// filtered by the config's selectors) in view by list + watch, as client-go's
// reflector does for Prometheus:
//  1. GET the collection; every object is reported as one kSynced event with
//     the list's resourceVersion remembered;
//  2. GET ...?watch=true&resourceVersion=<rv> and report each ADDED/MODIFIED
//     (kUpsert) and DELETED (kDelete) line as it arrives; BOOKMARK lines only
//     move the resourceVersion on;
//  3. when the watch ends normally (the server's timeoutSeconds), watch again
//     from the last resourceVersion; on 410 Gone (an HTTP status or an ERROR
//     event) list again; on any other failure report it (kError), back off
//     and list again.
// Lists are read whole (no limit/continue paging).
// Thread-safety: RunInformer runs on a thread of its own; EventQueue is
// shared between the informers and the one consumer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "scrape/discovery/kubernetes/api_connection.h"
#include "scrape/discovery/kubernetes/objects.h"
#include "util/status.h"

namespace cairn::scrape::discovery::kubernetes {

struct InformerSpec {
  Kind kind = Kind::kPod;
  std::string namespace_;  // empty: all namespaces (and always for nodes)
  std::string label_selector;
  std::string field_selector;
};

struct InformerEvent {
  enum class Type { kSynced, kUpsert, kDelete, kError };
  size_t informer = 0;  // which informer (the consumer's index)
  Type type = Type::kUpsert;
  std::vector<Object> objects;  // kSynced: the whole collection; kUpsert/kDelete: one
  Status error;                 // kError
};

class EventQueue {
 public:
  void Push(InformerEvent event);
  // Waits for events and moves all queued ones into *out; false when `stop`
  // was requested first.
  bool WaitPop(std::stop_token stop, std::vector<InformerEvent>* out);

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<InformerEvent> events_;
};

struct InformerOptions {
  int64_t list_timeout_ms = 60 * 1000;
  // Asked of the server per watch (timeoutSeconds); client-go picks 5-10 min.
  int64_t watch_timeout_seconds = 300;
  // Wait after a failure before listing again, doubling up to the maximum.
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 30 * 1000;
};

// The query string of a list or a watch (without the leading '?').
std::string ListQuery(const InformerSpec& spec);
std::string WatchQuery(const InformerSpec& spec, const std::string& resource_version, int64_t timeout_seconds);

// Lists and watches until `stop`; see the file comment. `conn` and `queue`
// must outlive the call.
void RunInformer(std::stop_token stop, const ApiConnection& conn, const InformerSpec& spec, size_t id,
                 const InformerOptions& options, EventQueue& queue);

}  // namespace cairn::scrape::discovery::kubernetes

#include "server/api/api_response.h"

#include "server/api/api_error.h"
#include "server/api/json_chunker.h"

namespace cairn::server::api {
namespace {

// At most kMaxAnnotations items, then a line counting the rest, as upstream.
void WriteList(JsonWriter& w, const char* key, const char* kind, const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.Key(key);
  w.BeginArray();
  for (size_t i = 0; i < items.size() && i < kMaxAnnotations; ++i) w.String(items[i]);
  if (items.size() > kMaxAnnotations) {
    w.String(std::to_string(items.size() - kMaxAnnotations) + " more " + kind + " annotations omitted");
  }
  w.EndArray();
}

// The success envelope; false when `write_data` was cut short.
bool WriteEnvelope(JsonWriter& w, const StreamedData& write_data, const std::function<bool()>& flush,
                   const std::vector<std::string>& warnings, const std::vector<std::string>& infos) {
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  bool alive = true;
  write_data(w, [&] { return alive = alive && flush(); });
  if (!alive) return false;
  WriteList(w, "warnings", "warning", warnings);
  WriteList(w, "infos", "info", infos);
  w.EndObject();
  return true;
}

}  // namespace

http::HttpResponse ApiSuccess(const std::function<void(JsonWriter&)>& write_data,
                              const std::vector<std::string>& warnings, const std::vector<std::string>& infos) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "application/json";
  JsonWriter w(&r.body);
  WriteEnvelope(
      w, [&](JsonWriter& jw, const std::function<bool()>&) { write_data(jw); }, [] { return true; }, warnings,
      infos);
  return r;
}

http::HttpResponse ApiSuccessStreamed(StreamedData write_data, std::vector<std::string> warnings,
                                      std::vector<std::string> infos) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "application/json";
  r.gzip_stream = true;
  r.stream = [write_data = std::move(write_data), warnings = std::move(warnings),
              infos = std::move(infos)](http::ChunkWriter& out) -> std::optional<http::HttpResponse> {
    JsonChunker chunker(out);
    bool complete = WriteEnvelope(chunker.writer(), write_data, [&] { return chunker.MaybeFlush(); }, warnings,
                                  infos);
    if (chunker.streaming()) {
      if (complete) chunker.Flush();
      return std::nullopt;
    }
    // Small enough for one piece: an ordinary response (Content-Length, gzip).
    http::HttpResponse whole;
    whole.status = 200;
    whole.content_type = "application/json";
    whole.body = chunker.TakeUnsent();
    return whole;
  };
  return r;
}

http::HttpResponse ApiFailure(const Status& status) {
  ApiError e = ApiErrorFor(status);
  http::HttpResponse r;
  r.status = e.http_status;
  r.content_type = "application/json";
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String(e.type);
  w.Key("error");
  w.String(status.message());
  w.EndObject();
  return r;
}

http::HttpResponse ApiNoContent() {
  http::HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace cairn::server::api

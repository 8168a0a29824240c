#include "server/api/api_response.h"

#include "server/api/api_error.h"

namespace cairn::server::api {
namespace {

void WriteList(JsonWriter& w, const char* key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.Key(key);
  w.BeginArray();
  for (size_t i = 0; i < items.size() && i < kMaxAnnotations; ++i) w.String(items[i]);
  w.EndArray();
}

}  // namespace

http::HttpResponse ApiSuccess(const std::function<void(JsonWriter&)>& write_data,
                              const std::vector<std::string>& warnings, const std::vector<std::string>& infos) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "application/json";
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  write_data(w);
  WriteList(w, "warnings", warnings);
  WriteList(w, "infos", infos);
  w.EndObject();
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

#include "tools/cairnctl/server_commands.h"

#include <iostream>

#include "tools/cairnctl/api_client.h"
#include "tools/cairnctl/output.h"

namespace cairn::cairnctl {

namespace {

// A scalar member as text (strings as they are, numbers as sent).
std::string ScalarText(const JsonValue& v) {
  switch (v.type()) {
    case JsonValue::Type::kString:
    case JsonValue::Type::kNumber: return v.str();
    case JsonValue::Type::kBool: return v.bool_value() ? "true" : "false";
    case JsonValue::Type::kNull: return "";
    default: return v.Serialize();
  }
}

void AddSection(Table* t, const std::string& section, const JsonValue& obj) {
  for (const auto& [k, v] : obj.members()) t->rows.push_back({section, k, ScalarText(v)});
}

int RunStatus(const GlobalOptions& g, bool with_flags) {
  ApiClient api(g);
  Table t;
  t.columns = {"section", "name", "value"};
  std::string json = "{";
  struct Part {
    const char* section;
    const char* path;
  };
  std::vector<Part> parts = {{"build", "/api/v1/status/buildinfo"}, {"runtime", "/api/v1/status/runtimeinfo"}};
  if (with_flags) parts.push_back({"flags", "/api/v1/status/flags"});
  for (const auto& p : parts) {
    auto r = api.Get(p.path, {});
    if (!r.ok()) return Fail(std::string(p.section) + " status: " + r.status().message());
    AddSection(&t, p.section, r->data);
    if (json.size() > 1) json += ",";
    json += "\"" + std::string(p.section) + "\":" + r->data.Serialize();
  }
  // The head's figures; the top lists belong to `cardinality`.
  auto tsdb = api.Get("/api/v1/status/tsdb", {{"limit", "1"}});
  if (!tsdb.ok()) return Fail("tsdb status: " + tsdb.status().message());
  if (const JsonValue* head = tsdb->data.Find("headStats")) {
    AddSection(&t, "head", *head);
    json += ",\"head\":" + head->Serialize();
  }
  json += "}";
  t.json = json;
  Print(t, g.output, std::cout);
  return ExitCode::kOk;
}

// health, ready, reload: the server's answer text, exit 0 on 200.
int RunLifecycle(const GlobalOptions& g, const std::string& method, const std::string& path) {
  ApiClient api(g);
  auto r = api.Send(method, path);
  if (!r.ok()) return Fail(r.status().message());
  std::string body = r->body;
  while (!body.empty() && body.back() == '\n') body.pop_back();
  if (r->status != 200) {
    return Fail("server returned HTTP status " + r->status_text + (body.empty() ? "" : ": " + body));
  }
  if (body.empty()) body = "OK";
  std::cout << body << "\n";
  return ExitCode::kOk;
}

}  // namespace

void RegisterServerCommands(CLI::App& root, const GlobalOptions& g) {
  static bool with_flags = false;
  auto* status = root.add_subcommand("status", "Show build info, runtime info, head figures (and flags)");
  status->add_flag("--flags", with_flags, "Also list the server's command-line flags");
  SetExamples(status, "cairnctl status\ncairnctl status --flags --output json");
  OnRun(status, [&g] { return RunStatus(g, with_flags); });

  auto* health = root.add_subcommand("health", "Check that the server is up (/-/healthy)");
  SetExamples(health, "cairnctl health --url http://cairn:9090");
  OnRun(health, [&g] { return RunLifecycle(g, "GET", "/-/healthy"); });

  auto* ready = root.add_subcommand("ready", "Check that the server is ready to serve (/-/ready)");
  SetExamples(ready, "until cairnctl ready; do sleep 1; done");
  OnRun(ready, [&g] { return RunLifecycle(g, "GET", "/-/ready"); });

  auto* reload = root.add_subcommand("reload", "Reload the configuration (/-/reload; needs --web.enable-lifecycle)");
  SetExamples(reload, "cairnctl reload");
  OnRun(reload, [&g] { return RunLifecycle(g, "POST", "/-/reload"); });
}

}  // namespace cairn::cairnctl

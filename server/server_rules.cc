// The rule manager's place in the server: built with the server, fed the
// config's rule_files on start and reload, its self-metrics on /metrics, and
// /api/v1/rules and /api/v1/alerts in the shapes of Prometheus'
// web/api/v1/api.go (Grafana reads both).
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <cmath>

#include "promql/parser/parser.h"
#include "server/api/api_error.h"
#include "server/api/api_response.h"
#include "server/api/params.h"
#include "server/config_rules.h"
#include "server/server.h"

namespace cairn::server {
namespace {

// --web.external-url, or Prometheus' default http://<hostname>:<port>.
std::string ExternalUrl(const ServerFlags& flags) {
  std::string url = flags.external_url;
  if (url.empty()) {
    char host[256] = {0};
    if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
    const size_t colon = flags.listen_address.rfind(':');
    url = std::string("http://") + host + ":" +
          (colon == std::string::npos ? std::string("9090") : flags.listen_address.substr(colon + 1));
  }
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

// Go's strconv.FormatFloat(v, 'e', -1, 64), as the API writes alert values.
std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

std::string Time(int64_t t_ms) { return t_ms == 0 ? "0001-01-01T00:00:00Z" : api::FormatRfc3339(t_ms); }

void WriteLabels(JsonWriter& w, const storage::Labels& ls) {
  w.BeginObject();
  for (const auto& l : ls) {
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

void WriteAlert(JsonWriter& w, const rules::Alert& a) {
  w.BeginObject();
  w.Key("labels");
  WriteLabels(w, a.labels);
  w.Key("annotations");
  WriteLabels(w, a.annotations);
  w.Key("state");
  w.String(rules::AlertStateName(a.state));
  w.Key("activeAt");
  w.String(Time(a.active_at_ms));
  if (a.keep_firing_since_ms != 0) {
    w.Key("keepFiringSince");
    w.String(Time(a.keep_firing_since_ms));
  }
  w.Key("value");
  w.String(FormatFloatE(a.value));
  w.EndObject();
}

// Go's strconv.ParseBool.
std::optional<bool> ParseBool(const std::string& s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

bool MatchesAny(const std::vector<storage::Matchers>& sets, const storage::Labels& ls) {
  if (sets.empty()) return true;
  for (const auto& ms : sets) {
    bool all = true;
    for (const auto& m : ms) all = all && m.Matches(ls.Get(m.name()));
    if (all) return true;
  }
  return false;
}

void AddRuleFamilies(SelfMetrics& m, rules::Manager* mgr) {
  using metrics::MetricSample;
  m.AddFamily("prometheus_rule_evaluation_duration_seconds", "The duration for a rule to execute.", "summary",
              [mgr](std::vector<MetricSample>* out) {
                rules::ManagerFigures f = mgr->Figures();
                out->push_back({"_sum", {}, f.rule_evaluation_seconds_sum});
                out->push_back({"_count", {}, static_cast<double>(f.rule_evaluation_count)});
              });
  m.AddFamily("prometheus_rule_group_duration_seconds", "The duration of rule group evaluations.", "summary",
              [mgr](std::vector<MetricSample>* out) {
                rules::ManagerFigures f = mgr->Figures();
                out->push_back({"_sum", {}, f.group_duration_seconds_sum});
                out->push_back({"_count", {}, static_cast<double>(f.group_duration_count)});
              });
  struct PerGroup {
    const char* name;
    const char* help;
    const char* type;
    double rules::GroupFigures::*field;
  };
  static const PerGroup kPerGroup[] = {
      {"prometheus_rule_evaluations_total", "The total number of rule evaluations.", "counter",
       &rules::GroupFigures::evaluations_total},
      {"prometheus_rule_evaluation_failures_total", "The total number of rule evaluation failures.", "counter",
       &rules::GroupFigures::evaluation_failures_total},
      {"prometheus_rule_group_iterations_missed_total",
       "The total number of rule group evaluations missed due to slow rule group evaluation.", "counter",
       &rules::GroupFigures::iterations_missed_total},
      {"prometheus_rule_group_iterations_total",
       "The total number of scheduled rule group evaluations, whether executed or missed.", "counter",
       &rules::GroupFigures::iterations_total},
      {"prometheus_rule_group_interval_seconds", "The interval of a rule group.", "gauge",
       &rules::GroupFigures::interval_seconds},
      {"prometheus_rule_group_last_duration_seconds", "The duration of the last rule group evaluation.", "gauge",
       &rules::GroupFigures::last_duration_seconds},
      {"prometheus_rule_group_last_evaluation_samples",
       "The number of samples returned during the last rule group evaluation.", "gauge",
       &rules::GroupFigures::last_evaluation_samples},
      {"prometheus_rule_group_last_evaluation_timestamp_seconds",
       "The timestamp of the last rule group evaluation in seconds.", "gauge",
       &rules::GroupFigures::last_evaluation_timestamp_seconds},
      {"prometheus_rule_group_rules", "The number of rules.", "gauge", &rules::GroupFigures::rules},
  };
  for (const PerGroup& p : kPerGroup) {
    m.AddFamily(p.name, p.help, p.type, [mgr, field = p.field](std::vector<MetricSample>* out) {
      for (const auto& g : mgr->Figures().groups) out->push_back({"", {{"rule_group", g.key}}, g.*field});
    });
  }
}

}  // namespace

void Server::BuildRules() {
  if (appendable_ == nullptr) return;
  const ServerFlags& flags = options_.flags;
  const Config cfg = state_->config();
  rules::ManagerOptions ro;
  ro.engine = &engine_;
  ro.queryable = queryable_;
  ro.query_options.lookback_delta_ms = flags.lookback_delta_ms;
  ro.query_options.max_samples = flags.query_max_samples;
  ro.query_options.max_memory_bytes = flags.query_max_memory_bytes;
  ro.query_options.timeout = std::chrono::milliseconds(flags.query_timeout_ms);
  ro.query_options.delayed_name_removal = flags.promql_delayed_name_removal;
  ro.appendable = appendable_;
  ro.clock = options_.clock;
  ro.sender = options_.alert_sender != nullptr ? options_.alert_sender : alert_sender_.get();
  ro.external_labels = cfg.external_labels;
  ro.external_url = ExternalUrl(flags);
  ro.resend_delay_ms = flags.rules_resend_delay_ms;
  ro.for_outage_tolerance_ms = flags.rules_for_outage_tolerance_ms;
  ro.for_grace_period_ms = flags.rules_for_grace_period_ms;
  ro.query_offset_ms = cfg.rule_query_offset_ms.value_or(flags.rules_query_offset_ms);
  rules_ = std::make_unique<rules::Manager>(std::move(ro));
  AddRuleFamilies(*metrics_, rules_.get());
}

Status Server::ApplyRules(const Config& cfg) {
  return rules_->Update(cfg.evaluation_interval_ms, ExpandRuleFiles(cfg.rule_files), cfg.external_labels,
                        ExternalUrl(options_.flags));
}

void Server::RegisterRuleRoutes() {
  router_.Add("/api/v1/rules", {"GET"}, [this](const http::HttpRequest& req) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    api::Form form = api::ApiV1::ParseForm(req);
    std::string type = form.Get("type").value_or("");
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!type.empty() && type != "alert" && type != "record") {
      return api::ApiFailure(api::InvalidParam("type", "not supported value \"" + type + "\""));
    }
    bool exclude_alerts = false;
    if (std::string ex = form.Get("exclude_alerts").value_or(""); !ex.empty()) {
      for (char& c : ex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto b = ParseBool(ex);
      if (!b) {
        return api::ApiFailure(api::InvalidParam(
            "exclude_alerts", "error converting exclude_alerts: strconv.ParseBool: parsing \"" + ex +
                                  "\": invalid syntax"));
      }
      exclude_alerts = *b;
    }
    auto parse = options_.parse_selector ? options_.parse_selector
                                         : api::SelectorParser(promql::parser::ParseMetricSelector);
    std::vector<storage::Matchers> matcher_sets;
    for (const auto& m : form.GetAll("match[]")) {
      auto ms = parse(m);
      if (!ms.ok()) return api::ApiFailure(Status::InvalidArgument(ms.status().message()));
      bool non_empty = false;
      for (const auto& x : *ms) non_empty = non_empty || !x.MatchesEmpty();
      if (!non_empty) return api::ApiFailure(Status::InvalidArgument("match[] must contain at least one non-empty matcher"));
      matcher_sets.push_back(std::move(*ms));
    }
    const std::vector<std::string> names = form.GetAll("rule_name[]");
    const std::vector<std::string> group_names = form.GetAll("rule_group[]");
    const std::vector<std::string> files = form.GetAll("file[]");
    auto in = [](const std::vector<std::string>& set, const std::string& v) {
      return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
    };
    const bool want_alerts = type.empty() || type == "alert";
    const bool want_records = type.empty() || type == "record";
    std::vector<std::shared_ptr<rules::Group>> groups = rules_ ? rules_->RuleGroups() : decltype(groups){};
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginObject();
      w.Key("groups");
      w.BeginArray();
      for (const auto& g : groups) {
        if (!in(group_names, g->name()) || !in(files, g->file())) continue;
        std::vector<std::shared_ptr<rules::Rule>> selected;
        for (const auto& r : g->rules()) {
          const bool alerting = dynamic_cast<const rules::AlertingRule*>(r.get()) != nullptr;
          if (!in(names, r->name()) || !MatchesAny(matcher_sets, r->labels())) continue;
          if (alerting ? want_alerts : want_records) selected.push_back(r);
        }
        if (selected.empty()) continue;  // every rule filtered out: the group is left out too
        w.BeginObject();
        w.Key("name");
        w.String(g->name());
        w.Key("file");
        w.String(g->file());
        w.Key("rules");
        w.BeginArray();
        for (const auto& r : selected) {
          w.BeginObject();
          const auto* ar = dynamic_cast<const rules::AlertingRule*>(r.get());
          if (ar != nullptr) {
            w.Key("state");
            w.String(ar->StateText());
          }
          w.Key("name");
          w.String(r->name());
          w.Key("query");
          w.String(r->query());
          if (ar != nullptr) {
            w.Key("duration");
            w.Double(static_cast<double>(ar->for_ms()) / 1000);
            w.Key("keepFiringFor");
            w.Double(static_cast<double>(ar->keep_firing_for_ms()) / 1000);
          }
          w.Key("labels");
          WriteLabels(w, r->labels());
          if (ar != nullptr) {
            w.Key("annotations");
            WriteLabels(w, ar->annotations());
            w.Key("alerts");
            if (exclude_alerts) {
              w.Null();
            } else {
              w.BeginArray();
              for (const auto& a : ar->ActiveAlerts()) WriteAlert(w, a);
              w.EndArray();
            }
          }
          w.Key("health");
          w.String(rules::RuleHealthName(r->health()));
          if (std::string e = r->last_error(); !e.empty()) {
            w.Key("lastError");
            w.String(e);
          }
          w.Key("evaluationTime");
          w.Double(r->evaluation_duration_seconds());
          w.Key("lastEvaluation");
          w.String(Time(r->last_evaluation_ms()));
          w.Key("type");
          w.String(ar != nullptr ? "alerting" : "recording");
          w.EndObject();
        }
        w.EndArray();
        w.Key("interval");
        w.Double(static_cast<double>(g->interval_ms()) / 1000);
        w.Key("limit");
        w.Int(g->limit());
        w.Key("evaluationTime");
        w.Double(g->evaluation_seconds());
        w.Key("lastEvaluation");
        w.String(Time(g->last_evaluation_ms()));
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    });
  });

  router_.Add("/api/v1/alerts", {"GET"}, [this](const http::HttpRequest&) {
    if (!state_->ready()) return http::HttpResponse::Text(503, "Service Unavailable");
    std::vector<rules::Alert> alerts;
    if (rules_) {
      for (const auto& g : rules_->RuleGroups()) {
        for (const auto& r : g->rules()) {
          if (const auto* ar = dynamic_cast<const rules::AlertingRule*>(r.get())) {
            for (auto& a : ar->ActiveAlerts()) alerts.push_back(std::move(a));
          }
        }
      }
    }
    return api::ApiSuccess([&](JsonWriter& w) {
      w.BeginObject();
      w.Key("alerts");
      w.BeginArray();
      for (const auto& a : alerts) WriteAlert(w, a);
      w.EndArray();
      w.EndObject();
    });
  });
}

}  // namespace cairn::server

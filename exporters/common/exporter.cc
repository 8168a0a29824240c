#include "exporters/common/exporter.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "exporters/common/http_server.h"
#include "exporters/common/log.h"
#include "util/duration.h"
#include "webconfig/web_config_source.h"

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&#34;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// promhttp's instrumentation of the metrics handler (promhttp.InstrumentMetricHandler).
class HandlerMetrics : public prometheus::Collectable {
 public:
  std::atomic<int> in_flight{0};
  std::atomic<uint64_t> code_200{0}, code_500{0}, code_503{0};
  std::atomic<uint64_t> gathering_errors{0}, encoding_errors{0};

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out(3);
    out[0].name = "promhttp_metric_handler_errors_total";
    out[0].help = "Total number of internal errors encountered by the promhttp metric handler.";
    out[0].type = MetricType::Counter;
    for (auto [cause, n] : {std::pair{"encoding", &encoding_errors}, std::pair{"gathering", &gathering_errors}}) {
      ClientMetric m;
      m.label = {{"cause", cause}};
      m.counter.value = static_cast<double>(n->load());
      out[0].metric.push_back(m);
    }
    out[1].name = "promhttp_metric_handler_requests_in_flight";
    out[1].help = "Current number of scrapes being served.";
    out[1].type = MetricType::Gauge;
    out[1].metric.emplace_back().gauge.value = in_flight.load();
    out[2].name = "promhttp_metric_handler_requests_total";
    out[2].help = "Total number of scrapes by HTTP status code.";
    out[2].type = MetricType::Counter;
    for (auto [code, n] : {std::pair{"200", &code_200}, std::pair{"500", &code_500}, std::pair{"503", &code_503}}) {
      ClientMetric m;
      m.label = {{"code", code}};
      m.counter.value = static_cast<double>(n->load());
      out[2].metric.push_back(m);
    }
    return out;
  }
};

struct CollectorEntry {
  std::shared_ptr<prometheus::Collectable> collector;
  std::unique_ptr<std::timed_mutex> busy = std::make_unique<std::timed_mutex>();
};

struct Route {
  HttpHandler handler;
  std::string landing_link;
};

}  // namespace

struct Exporter::Impl {
  std::vector<CollectorEntry> collectors;
  std::map<std::string, Route> routes;
  std::vector<std::string> route_order;
  OpenMetricsOptions openmetrics;
  std::shared_ptr<HandlerMetrics> handler_metrics;
  bool show_version = false;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
};

namespace {
std::atomic<Exporter*> g_signal_target{nullptr};
}  // namespace

Exporter::Exporter(ExporterInfo info)
    : info_(std::move(info)), app_(info_.title.empty() ? info_.name : info_.title, info_.name),
      impl_(std::make_unique<Impl>()) {
  common_.listen_address = info_.default_listen_address;
  app_.option_defaults()->always_capture_default();
  app_.add_option("--web.listen-address", common_.listen_address, "Address on which to expose metrics and web interface.");
  app_.add_option("--web.telemetry-path", common_.telemetry_path, "Path under which to expose metrics.");
  app_.add_option("--web.config.file", common_.web_config_file,
                  "Path to configuration file that can enable TLS or authentication. See: "
                  "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md");
  app_.add_option("--log.level", common_.log_level, "Only log messages with the given severity or above. One of: [debug, info, warn, error]")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app_.add_option("--log.format", common_.log_format, "Output format of log messages. One of: [logfmt]")
      ->check(CLI::IsMember({"logfmt"}));
  app_.add_flag("--web.enable-openmetrics", common_.enable_openmetrics,
                "Offer OpenMetrics 1.0.0 when the scraper asks for it (upstream's exporters answer text only).");
  app_.add_option("--push.url", common_.push.url, "Remote-write URL to push the collected metrics to (empty: no push).");
  app_.add_option("--push.interval", common_.push.interval, "How often to collect and push.");
  app_.add_option("--push.job", common_.push.job, "The job label pushed series get (default: the exporter's name).");
  app_.add_option("--push.instance", common_.push.instance, "The instance label pushed series get (default: hostname:port).");
  app_.add_option("--push.basic-auth.username", common_.push.basic_auth_username, "Basic auth username for push.");
  app_.add_option("--push.basic-auth.password-file", common_.push.basic_auth_password_file, "File with the basic auth password for push.");
  app_.add_option("--push.bearer-token-file", common_.push.bearer_token_file, "File with a bearer token for push.");
  app_.add_flag("--version", impl_->show_version, "Show application version.");
  impl_->handler_metrics = std::make_shared<HandlerMetrics>();
  if (!info_.build_info.metric_name.empty()) AddCollector(MakeBuildInfoCollector(info_.build_info));
  if (info_.process_metrics) AddCollector(MakeProcessCollector());
  if (info_.handler_metrics) AddCollector(impl_->handler_metrics);
}

Exporter::~Exporter() {
  Exporter* self = this;
  g_signal_target.compare_exchange_strong(self, nullptr);
}

std::optional<int> Exporter::ParseFlags(int argc, char** argv) {
  // Go's flag package (nginx-prometheus-exporter) also takes "-name=value":
  // long names with one dash are read as with two.
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && !std::isdigit(static_cast<unsigned char>(arg[1]))) {
      arg = "-" + arg;
    }
    args.push_back(std::move(arg));  // CLI11 takes them reversed
  }
  try {
    app_.parse(args);
  } catch (const CLI::ParseError& e) {
    return app_.exit(e);
  }
  if (impl_->show_version) {
    std::printf("%s, version %s (%s, %s)\n", info_.name.c_str(), CairnVersion().c_str(), CompilerVersion().c_str(),
                GoArch().c_str());
    return 0;
  }
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(common_.log_level, &level);
  SetLogLevel(level);
  impl_->openmetrics.enabled = common_.enable_openmetrics;
  if (!common_.push.url.empty()) {
    Result<int64_t> interval = ParseDurationMs(common_.push.interval);
    if (!interval.ok() || *interval <= 0) {
      std::fprintf(stderr, "--push.interval: not a positive duration: %s\n", common_.push.interval.c_str());
      return 2;
    }
  }
  return std::nullopt;
}

void Exporter::AddCollector(std::shared_ptr<prometheus::Collectable> collector) {
  impl_->collectors.push_back(CollectorEntry{std::move(collector)});
}

void Exporter::AddHandler(std::string path, HttpHandler handler, std::string landing_link) {
  if (!impl_->routes.count(path)) impl_->route_order.push_back(path);
  impl_->routes[path] = Route{std::move(handler), std::move(landing_link)};
}

void Exporter::SetUnit(std::string family, std::string unit) {
  impl_->openmetrics.units[std::move(family)] = std::move(unit);
}

std::vector<MetricFamily> Exporter::CollectAll(Deadline deadline) {
  std::vector<MetricFamily> all;
  ScopedScrapeDeadline scoped(deadline);
  for (CollectorEntry& entry : impl_->collectors) {
    std::unique_lock lock(*entry.busy, std::defer_lock);
    if (!lock.try_lock_until(deadline)) {
      Log(LogLevel::kWarn, "collector still busy with an earlier scrape at the deadline; skipped");
      impl_->handler_metrics->gathering_errors++;
      continue;
    }
    try {
      std::vector<MetricFamily> families = entry.collector->Collect();
      all.insert(all.end(), std::make_move_iterator(families.begin()), std::make_move_iterator(families.end()));
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "collector failed", {{"err", e.what()}});
      impl_->handler_metrics->gathering_errors++;
    }
  }
  // As Go's Gatherer: families sorted by name, a family's metrics by labels.
  std::vector<MetricFamily> merged = MergeFamilies(std::move(all));
  std::sort(merged.begin(), merged.end(), [](const MetricFamily& a, const MetricFamily& b) { return a.name < b.name; });
  for (MetricFamily& f : merged) {
    std::stable_sort(f.metric.begin(), f.metric.end(),
                     [](const ClientMetric& a, const ClientMetric& b) { return a.label < b.label; });
  }
  return merged;
}

namespace {

std::string LandingPage(const ExporterInfo& info, const std::string& telemetry_path,
                        const std::vector<std::pair<std::string, std::string>>& links) {
  std::string title = HtmlEscape(info.title.empty() ? info.name : info.title);
  std::string page = "<!DOCTYPE html>\n<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title +
                     "</h1>\n";
  if (!info.description.empty()) page += "<p>" + HtmlEscape(info.description) + "</p>\n";
  page += "<ul>\n<li><a href=\"" + HtmlEscape(telemetry_path) + "\">Metrics</a></li>\n";
  for (const auto& [path, text] : links) {
    page += "<li><a href=\"" + HtmlEscape(path) + "\">" + HtmlEscape(text) + "</a></li>\n";
  }
  page += "</ul>\n</body>\n</html>\n";
  return page;
}

}  // namespace

int Exporter::Run() {
  // Signals go to a thread that waits for them; every thread started from
  // here on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  g_signal_target.store(this);
  static std::once_flag signal_thread_started;
  std::call_once(signal_thread_started, [signals] {
    std::thread([signals] {
      for (;;) {
        int sig = 0;
        if (sigwait(&signals, &sig) != 0) continue;
        if (Exporter* target = g_signal_target.load()) target->Stop();
      }
    }).detach();
  });

  std::vector<std::pair<std::string, std::string>> links;
  for (const std::string& path : impl_->route_order) {
    if (!impl_->routes[path].landing_link.empty()) links.emplace_back(path, impl_->routes[path].landing_link);
  }
  const std::string landing = LandingPage(info_, common_.telemetry_path, links);

  std::unique_ptr<webconfig::WebConfigSource> web_config;
  if (!common_.web_config_file.empty()) {
    auto source = webconfig::WebConfigSource::Open(common_.web_config_file);
    if (!source.ok()) {
      Log(LogLevel::kError, "Unable to validate web configuration file", {{"err", source.status().message()}});
      return 1;
    }
    web_config = std::move(*source);
    Log(LogLevel::kInfo, web_config->tls_enabled() ? "TLS is enabled." : "TLS is disabled.",
        {{"address", common_.listen_address}});
  }
  HttpServer server([this, &landing](const HttpRequest& req) -> HttpResponse {
    if (req.path == common_.telemetry_path) {
      HandlerMetrics& hm = *impl_->handler_metrics;
      hm.in_flight++;
      Deadline deadline =
          ScrapeDeadlineFromHeader(req.Header("x-prometheus-scrape-timeout-seconds"), std::chrono::steady_clock::now());
      HttpResponse res = RenderMetrics(CollectAll(deadline), req, impl_->openmetrics);
      hm.code_200++;
      hm.in_flight--;
      return res;
    }
    if (auto route = impl_->routes.find(req.path); route != impl_->routes.end()) return route->second.handler(req);
    HttpResponse res;  // like upstream's "/" handler, every other path gets the landing page
    res.content_type = "text/html; charset=utf-8";
    res.body = landing;
    return res;
  }, web_config.get());
  if (Status s = server.Listen(common_.listen_address); !s.ok()) {
    Log(LogLevel::kError, "cannot listen", {{"address", common_.listen_address}, {"err", s.message()}});
    return 1;
  }
  bound_port_.store(server.port());
  server.Start();
  Log(LogLevel::kInfo, "Listening on", {{"address", common_.listen_address}, {"program", info_.name}});

  std::thread pusher;
  if (!common_.push.url.empty()) {
    PushOptions push = common_.push;
    if (push.job.empty()) push.job = info_.name;
    if (push.instance.empty()) push.instance = Hostname() + ":" + std::to_string(server.port());
    const int64_t interval_ms = ParseDurationMs(push.interval).value();
    pusher = std::thread([this, push, interval_ms] {
      std::unique_lock lock(impl_->stop_mu);
      while (!impl_->stop) {
        lock.unlock();
        auto start = std::chrono::steady_clock::now();
        auto families = CollectAll(start + std::chrono::milliseconds(std::min<int64_t>(interval_ms, 10000)));
        int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        std::string request = EncodeWriteRequest(SeriesForPush(families, push.job, push.instance, now_ms));
        if (Status s = PushWriteRequest(push, request, interval_ms); !s.ok()) {
          Log(LogLevel::kError, "push failed", {{"url", push.url}, {"err", s.ToString()}});
        } else {
          Log(LogLevel::kDebug, "pushed", {{"url", push.url}});
        }
        lock.lock();
        impl_->stop_cv.wait_until(lock, start + std::chrono::milliseconds(interval_ms), [&] { return impl_->stop; });
      }
    });
  }

  {
    std::unique_lock lock(impl_->stop_mu);
    impl_->stop_cv.wait(lock, [&] { return impl_->stop; });
  }
  Log(LogLevel::kInfo, "shutting down");
  server.Stop();
  if (pusher.joinable()) pusher.join();
  return 0;
}

void Exporter::Stop() {
  std::lock_guard lock(impl_->stop_mu);
  impl_->stop = true;
  impl_->stop_cv.notify_all();
}

}  // namespace cairn::exporters

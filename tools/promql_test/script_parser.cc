#include "tools/promql_test/script_parser.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "promql/parser/parser.h"

namespace cairn::promql_test {

using promql::testing::ParseSeriesValues;
using promql::testing::ParseStartOffsets;
using promql::testing::ScanFloat;

namespace {

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

// Splits off the first whitespace-separated word of `s`.
std::string_view NextWord(std::string_view& s) {
  s = Trim(s);
  size_t i = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
  std::string_view w = s.substr(0, i);
  s = Trim(s.substr(i));
  return w;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Reader {
 public:
  Reader(std::string path, std::string_view text) : path_(std::move(path)) {
    std::string_view rest = text;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      std::string_view t = Trim(line);
      lines_.emplace_back(StartsWith(t, "#") ? std::string_view() : t);
      if (nl == std::string_view::npos) break;
      rest = rest.substr(nl + 1);
    }
  }

  Result<Script> Run() {
    Script script;
    script.path = path_;
    for (i_ = 0; i_ < lines_.size(); ++i_) {
      std::string_view line = lines_[i_];
      if (line.empty()) continue;
      std::string_view rest = line;
      std::string word = Lower(NextWord(rest));
      Status st;
      if (word == "clear") {
        script.commands.push_back(ClearCommand{static_cast<int>(i_ + 1)});
      } else if (StartsWith(word, "load")) {
        auto r = ReadLoad(word, rest);
        if (!r.ok()) return r.status();
        script.commands.push_back(std::move(r).value());
      } else if (StartsWith(word, "eval")) {
        auto r = ReadEval(word, rest);
        if (!r.ok()) return r.status();
        script.commands.push_back(std::move(r).value());
      } else {
        return Error("unknown command \"" + std::string(word) + "\"");
      }
    }
    return script;
  }

 private:
  Status Error(const std::string& msg) const {
    return Status::InvalidArgument(path_ + ":" + std::to_string(i_ + 1) + ": " + msg);
  }

  Result<int64_t> Duration(std::string_view s) const {
    if (s == "0") return int64_t{0};
    auto r = promql::parser::ParseDurationMs(s);
    if (!r.ok()) return Error("bad duration \"" + std::string(s) + "\": " + r.status().message());
    return *r;
  }

  // Splits a series line into its label set and value text. `start_timestamps`
  // tells whether it is a `series{...}@st` line.
  Status SplitSeries(std::string_view line, storage::Labels& labels, std::string_view& values,
                     bool& start_timestamps) const {
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ' && line[i] != '\t' && line[i] != '@') ++i;
    if (i < line.size() && line[i] == '{') {
      char quote = 0;
      for (; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
          if (c == '\\') ++i;
          else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
          quote = c;
        } else if (c == '}') {
          ++i;
          break;
        }
      }
    }
    auto r = promql::parser::ParseMetric(line.substr(0, i));
    if (!r.ok()) return Error("bad series \"" + std::string(line.substr(0, i)) + "\": " + r.status().message());
    labels = std::move(r).value();
    start_timestamps = line.substr(i, 3) == "@st";
    if (start_timestamps) i += 3;
    values = Trim(line.substr(i));
    return Status::OK();
  }

  Result<Command> ReadLoad(const std::string& word, std::string_view rest) {
    LoadCommand cmd;
    cmd.line = static_cast<int>(i_ + 1);
    if (word != "load" && word != "load_with_nhcb") return Error("unknown command \"" + word + "\"");
    cmd.with_nhcb = word == "load_with_nhcb";
    auto d = Duration(NextWord(rest));
    if (!d.ok()) return d.status();
    cmd.interval_ms = *d;
    // An `@st` line gives the start timestamps of the series line right after it.
    std::optional<LoadSeries> pending_st;
    while (i_ + 1 < lines_.size() && !lines_[i_ + 1].empty()) {
      ++i_;
      LoadSeries s;
      std::string_view values;
      bool is_st = false;
      CAIRN_RETURN_IF_ERROR(SplitSeries(lines_[i_], s.labels, values, is_st));
      if (is_st) {
        if (pending_st) return Error("@st line not followed by its series line");
        auto st = ParseStartOffsets(values);
        if (!st.ok()) return Error(st.status().message());
        s.start_offsets_ms = std::move(st).value();
        pending_st = std::move(s);
        continue;
      }
      auto v = ParseSeriesValues(values);
      if (!v.ok()) return Error(v.status().message());
      s.values = std::move(v).value();
      if (pending_st) {
        if (!(pending_st->labels == s.labels) || pending_st->start_offsets_ms.size() != s.values.size())
          return Error("@st line does not match the series line after it (labels and number of values)");
        s.start_offsets_ms = std::move(pending_st->start_offsets_ms);
        pending_st.reset();
      }
      bool replaced = false;
      for (auto& prev : cmd.series) {
        if (prev.labels == s.labels) {
          prev.values = s.values;
          prev.start_offsets_ms = s.start_offsets_ms;
          replaced = true;
        }
      }
      if (!replaced) cmd.series.push_back(std::move(s));
    }
    if (pending_st) return Error("@st line not followed by its series line");
    return Command(std::move(cmd));
  }

  static Result<std::string> Unquote(std::string_view s) {
    if (s.size() < 2) return Status::InvalidArgument("bad string literal");
    char q = s.front();
    if (s.back() != q || (q != '"' && q != '`' && q != '\'')) return Status::InvalidArgument("bad string literal");
    std::string_view body = s.substr(1, s.size() - 2);
    if (q == '`') return std::string(body);
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if (c != '\\' || i + 1 >= body.size()) {
        out += c;
        continue;
      }
      char e = body[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        default: out += e; break;
      }
    }
    return out;
  }

  Status ReadExpect(std::string_view rest, EvalCommand& cmd) {
    std::string_view kind = NextWord(rest);
    if (kind == "range") {
      // range vector from T1 to T2 step D
      std::vector<std::string_view> w;
      while (!rest.empty()) w.push_back(NextWord(rest));
      if (w.size() != 7 || w[0] != "vector" || w[1] != "from" || w[3] != "to" || w[5] != "step")
        return Error("bad expect range vector line");
      auto a = Duration(w[2]), b = Duration(w[4]), c = Duration(w[6]);
      if (!a.ok() || !b.ok() || !c.ok()) return Error("bad expect range vector times");
      cmd.expect_range_vector = true;
      cmd.rv_start_ms = *a;
      cmd.rv_end_ms = *b;
      cmd.rv_step_ms = *c;
      return Status::OK();
    }
    if (kind == "string") {
      auto s = Unquote(Trim(rest));
      if (!s.ok()) return Error("bad expect string");
      cmd.expect_string = *s;
      return Status::OK();
    }
    MessagePattern p;
    rest = Trim(rest);
    if (StartsWith(rest, "msg:")) {
      p.kind = MessagePattern::Kind::kExact;
      p.text = std::string(Trim(rest.substr(4)));
    } else if (StartsWith(rest, "regex:")) {
      p.kind = MessagePattern::Kind::kRegex;
      p.text = std::string(Trim(rest.substr(6)));
    } else if (!rest.empty()) {
      return Error("bad expect line");
    }
    if (kind == "fail") {
      if (cmd.fail) return Error("more than one expect fail");
      cmd.fail = p;
    } else if (kind == "warn") {
      cmd.warn.push_back(p);
    } else if (kind == "info") {
      cmd.info.push_back(p);
    } else if (kind == "no_warn") {
      cmd.no_warn = true;
    } else if (kind == "no_info") {
      cmd.no_info = true;
    } else if (kind == "ordered") {
      cmd.ordered = true;
    } else {
      return Error("unknown expect kind \"" + std::string(kind) + "\"");
    }
    return Status::OK();
  }

  static bool ParseScalarLine(std::string_view s, double& out) {
    std::string str(s);
    char* end = nullptr;
    long long iv = std::strtoll(str.c_str(), &end, 0);
    if (end && *end == '\0' && !str.empty()) {
      out = static_cast<double>(iv);
      return true;
    }
    size_t pos = 0;
    if (ScanFloat(s, pos, out) && pos == s.size()) return true;
    return false;
  }

  Result<Command> ReadEval(const std::string& word, std::string_view rest) {
    EvalCommand cmd;
    cmd.line = static_cast<int>(i_ + 1);
    if (word == "eval_fail") cmd.fail = MessagePattern{};
    else if (word == "eval_warn") cmd.warn.push_back({});
    else if (word == "eval_info") cmd.info.push_back({});
    else if (word == "eval_ordered") cmd.ordered = true;
    else if (word != "eval") return Error("unknown command \"" + word + "\"");

    std::string_view mode = NextWord(rest);
    if (mode == "instant") {
      if (NextWord(rest) != "at") return Error("expected \"at\"");
      auto t = Duration(NextWord(rest));
      if (!t.ok()) return t.status();
      cmd.at_ms = *t;
    } else if (mode == "range") {
      if (NextWord(rest) != "from") return Error("expected \"from\"");
      auto a = Duration(NextWord(rest));
      if (!a.ok()) return a.status();
      if (NextWord(rest) != "to") return Error("expected \"to\"");
      auto b = Duration(NextWord(rest));
      if (!b.ok()) return b.status();
      if (NextWord(rest) != "step") return Error("expected \"step\"");
      auto c = Duration(NextWord(rest));
      if (!c.ok()) return c.status();
      cmd.range = true;
      cmd.start_ms = *a;
      cmd.end_ms = *b;
      cmd.step_ms = *c;
      if (cmd.end_ms < cmd.start_ms) return Error("range end before start");
    } else {
      return Error("expected \"instant\" or \"range\"");
    }
    cmd.expr = std::string(rest);

    while (i_ + 1 < lines_.size() && !lines_[i_ + 1].empty()) {
      ++i_;
      std::string_view line = lines_[i_];
      std::string_view r = line;
      if (NextWord(r) == "expect") {
        CAIRN_RETURN_IF_ERROR(ReadExpect(r, cmd));
        continue;
      }
      double scalar = 0;
      if (ParseScalarLine(line, scalar)) {
        cmd.expect_scalar = scalar;
        continue;
      }
      ExpectedSeries s;
      std::string_view values;
      bool is_st = false;
      CAIRN_RETURN_IF_ERROR(SplitSeries(line, s.labels, values, is_st));
      if (is_st) return Error("@st lines belong to load commands");
      auto v = ParseSeriesValues(values);
      if (!v.ok()) return Error(v.status().message());
      s.values = std::move(v).value();
      for (const auto& sv : s.values) {
        if (sv.kind == SeriesValue::Kind::kHistogram) cmd.expects_histogram = true;
      }
      cmd.expected.push_back(std::move(s));
    }
    if (cmd.warn.size() && cmd.no_warn) return Error("expect warn and no_warn together");
    if (cmd.info.size() && cmd.no_info) return Error("expect info and no_info together");
    return Command(std::move(cmd));
  }

  std::string path_;
  std::vector<std::string_view> lines_;
  size_t i_ = 0;
};

}  // namespace

Result<Script> ParseScript(std::string path, std::string_view text) {
  Reader reader(std::move(path), text);
  return reader.Run();
}

Result<Script> ParseScriptFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto r = ParseScript(path, text);
  return r;
}

}  // namespace cairn::promql_test

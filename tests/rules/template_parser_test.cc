// Parse errors of rules/template, worded as Go 1.19's text/template words
// them (each checked against promtool 2.42's `check rules`).
#include <gtest/gtest.h>

#include "rules/template/expander.h"
#include "rules/template/lexer.h"

namespace cairn::rules::tmpl {
namespace {

std::string ParseError(std::string_view text) {
  Status st = CheckTemplate("__alert_A", text);
  return st.ok() ? "OK" : st.message();
}

TEST(TemplateParser, AcceptsWhatPrometheusRulesUse) {
  for (std::string_view ok : {
           "{{ $labels.instance }} is down for {{ humanizeDuration $value }}",
           "{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }}",
           "{{ range $k, $v := $labels }}{{ $k }}={{ $v }}{{ end }}",
           "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}",
           "{{- /* comment */ -}} {{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
           "{{ define \"t\" }}x{{ end }}{{ template \"t\" . }}{{ block \"b\" . }}y{{ end }}",
           "{{ range . }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}",
           "{{ (printf \"%d\" 1) }} {{ 0x1F }} {{ 1_000 }} {{ 'a' }} {{ `raw` }} {{ nil | print }}",
           "{{ printf \"%s\"\n  $labels.job }}",  // newlines inside actions (Go 1.16+)
       }) {
    EXPECT_EQ(ParseError(ok), "OK") << ok;
  }
}

struct ErrorCase {
  const char* text;
  const char* message;
};

TEST(TemplateParser, ErrorsReadAsGo) {
  const ErrorCase cases[] = {
      {"{{ nope }}", "function \"nope\" not defined"},
      {"{{ $undefined }}", "undefined variable \"$undefined\""},
      {"{{ if }}", "missing value for if"},
      {"{{ end }}", "unexpected {{end}}"},
      {"{{ else }}", "unexpected {{else}}"},
      {"{{ if true }}", "unexpected EOF"},
      {"{{ if true }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}"},
      {"{{ \"unterminated }}", "unterminated quoted string"},
      {"{{ `raw", "unterminated raw quoted string"},
      {"{{ 'ab' }}", "malformed character constant: 'ab'"},
      {"{{ 'a }}", "unterminated character constant"},
      {"{{ 1x }}", "bad number syntax: \"1x\""},
      {"{{ 1.a }}", "bad number syntax: \"1.a\""},
      {"{{ 3 | 4 }}", "non executable command in pipeline stage 2"},
      {"{{ printf \"%d\" 1 | 2 }}", "non executable command in pipeline stage 2"},
      {"{{ ( }}", "unclosed left paren"},
      {"{{ (1 }}", "unclosed left paren"},
      {"{{ ) }}", "unexpected \")\" in command"},
      {"{{ 1) }}", "unexpected \")\" in command"},
      {"{{", "unclosed action"},
      {"{{ .Labels.job", "unclosed action"},
      {"{{ $x := }}", "missing value for command"},
      {"{{ $x, $y := 1 }}", "too many declarations in command"},
      {"{{ range $a, $b, $c := . }}{{ end }}", "too many declarations in range"},
      {"{{ range $a, 1 }}{{ end }}", "range can only initialize variables"},
      {"{{ break }}", "{{break}} outside {{range}}"},
      {"{{ continue }}", "{{continue}} outside {{range}}"},
      {"{{ range . }}{{ break 1 }}{{ end }}", "unexpected \"1\" in {{break}}"},
      {"{{ define \"x\" }}", "unexpected EOF"},
      {"{{ define 1 }}{{ end }}", "unexpected \"1\" in define clause"},
      {"{{ template x }}", "unexpected \"x\" in template clause"},
      {"{{ block \"b\" }}{{ end }}", "missing value for block clause"},
      {"{{ \"s\".a }}", "unexpected . after term \"\\\"s\\\"\""},
      {"{{ nil.a }}", "unexpected . after term \"nil\""},
      {"{{ .a. }}", "unexpected <.> in operand"},
      {"{{ a:b }}", "function \"a\" not defined"},
      {"{{ # }}", "unexpected \"#\" in command"},
      {"{{ é }}", "function \"é\" not defined"},
      {"{{ 99999999999999999999 }}", "integer overflow: \"99999999999999999999\""},
      {"{{ \"\\q\" }}", "invalid syntax"},
      {"{{/* unclosed", "unclosed comment"},
      {"{{/* c */ x}}", "comment ends before closing delimiter"},
      {"{{ with }}{{ end }}", "missing value for with"},
      {"{{ if 1 }}{{ else if }}{{ end }}", "missing value for if"},
      {"{{ define \"a\" }}A{{ end }}{{ define \"a\" }}B{{ end }}", "template: multiple definition of template \"a\""},
      {"{{ printf \"%d\"", "unclosed action"},
      {"{{ 1 2 }}", "OK"},  // a constant with arguments fails only when executed
  };
  for (const auto& c : cases) {
    std::string want = std::string(c.message) == "OK" ? "OK" : std::string("template: __alert_A:1: ") + c.message;
    EXPECT_EQ(ParseError(c.text), want) << c.text;
  }
}

TEST(TemplateParser, ErrorLineCountsNewlinesAfterThePreamble) {
  EXPECT_EQ(ParseError("a\nb\n{{ nope }}"), "template: __alert_A:3: function \"nope\" not defined");
  // An action left open across lines names where it started.
  EXPECT_EQ(ParseError("{{ if true }}\n{{ \"x\n"), "template: __alert_A:2: unterminated quoted string");
}

TEST(TemplateLexer, TrimMarkersNeedASpace) {
  Lexer lex("a {{- 3 -}} b {{-3}}");
  std::vector<std::string> items;
  for (Item it = lex.Next(); it.type != ItemType::kEOF && it.type != ItemType::kError; it = lex.Next()) {
    items.push_back(it.String());
  }
  // "{{-3}}" is the number -3, not a trim marker.
  EXPECT_EQ(items, (std::vector<std::string>{"\"a\"", "\"{{\"", "\"3\"", "\"}}\"", "\"b \"", "\"{{\"", "\"-3\"",
                                             "\"}}\""}));
}

}  // namespace
}  // namespace cairn::rules::tmpl

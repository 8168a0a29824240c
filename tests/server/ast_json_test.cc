// /api/v1/parse_query's tree: the node shapes of Prometheus' web API
// (translate_ast.go), keys sorted as Go's encoder writes maps.
#include "server/ast_json.h"

#include <gtest/gtest.h>

#include "promql/parser/parser.h"

namespace cairn::server {
namespace {

std::string Tree(std::string_view q) {
  auto e = promql::parser::ParseExpr(q);
  EXPECT_TRUE(e.ok()) << e.status().message();
  std::string out;
  JsonWriter w(&out);
  WriteAstJson(w, **e);
  return out;
}

TEST(AstJsonTest, SelectorWithOffsetAndAt) {
  EXPECT_EQ(Tree("up{job=\"a\"} offset 5m @ 10"),
            R"({"anchored":false,"matchers":[{"name":"job","type":"=","value":"a"},)"
            R"({"name":"__name__","type":"=","value":"up"}],"name":"up","offset":300000,"smoothed":false,)"
            R"("startOrEnd":null,"timestamp":10000,"type":"vectorSelector"})");
}

TEST(AstJsonTest, CallOverMatrixSelectorAtStart) {
  EXPECT_EQ(Tree("rate(x[5m] @ start())"),
            R"({"args":[{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"x"}],"name":"x",)"
            R"("offset":0,"range":300000,"smoothed":false,"startOrEnd":"start","timestamp":null,)"
            R"("type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector",)"
            R"("variadic":0},"type":"call"})");
}

TEST(AstJsonTest, AggregationWithParamAndBinaryMatching) {
  EXPECT_EQ(Tree("topk by (a) (3, x) / on (b) group_left (c) y"),
            R"({"bool":false,"lhs":{"expr":{"anchored":false,"matchers":[{"name":"__name__","type":"=",)"
            R"("value":"x"}],"name":"x","offset":0,"smoothed":false,"startOrEnd":null,"timestamp":null,)"
            R"("type":"vectorSelector"},"grouping":["a"],"op":"topk","param":{"type":"numberLiteral","val":"3"},)"
            R"("type":"aggregation","without":false},"matching":{"card":"many-to-one","fillValues":{"lhs":null,)"
            R"("rhs":null},"include":["c"],"labels":["b"],"on":true},"op":"/","rhs":{"anchored":false,)"
            R"("matchers":[{"name":"__name__","type":"=","value":"y"}],"name":"y","offset":0,"smoothed":false,)"
            R"("startOrEnd":null,"timestamp":null,"type":"vectorSelector"},"type":"binaryExpr"})");
}

TEST(AstJsonTest, ScalarOperandsHaveNoMatching) {
  EXPECT_EQ(Tree("-(1e6 > bool 2)"),
            R"({"expr":{"expr":{"bool":true,"lhs":{"type":"numberLiteral","val":"1000000"},"matching":null,)"
            R"("op":">","rhs":{"type":"numberLiteral","val":"2"},"type":"binaryExpr"},"type":"parenExpr"},)"
            R"("op":"-","type":"unaryExpr"})");
}

TEST(AstJsonTest, SubqueryAndStringLiteral) {
  EXPECT_EQ(Tree("max_over_time(label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")[1h:5m] offset 1m)"),
            R"j({"args":[{"alignEvalTime":false,"expr":{"args":[{"anchored":false,"matchers":[{"name":"__name__",)j"
            R"j("type":"=","value":"x"}],"name":"x","offset":0,"smoothed":false,"startOrEnd":null,)j"
            R"j("timestamp":null,"type":"vectorSelector"},{"type":"stringLiteral","val":"a"},)j"
            R"j({"type":"stringLiteral","val":"$1"},{"type":"stringLiteral","val":"b"},)j"
            R"j({"type":"stringLiteral","val":"(.*)"}],"func":{"argTypes":["vector","string","string","string",)j"
            R"j("string"],"name":"label_replace","returnType":"vector","variadic":0},"type":"call"},)j"
            R"j("offset":60000,"range":3600000,"startOrEnd":null,"step":300000,"timestamp":null,)j"
            R"j("type":"subquery"}],"func":{"argTypes":["matrix"],"name":"max_over_time","returnType":"vector",)j"
            R"j("variadic":0},"type":"call"})j");
}

}  // namespace
}  // namespace cairn::server

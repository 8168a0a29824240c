// Go's fmt and strconv float formatting as rules/template prints values
// (expected strings are Go 1.19's output).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rules/template/go_fmt.h"

namespace cairn::rules::tmpl {
namespace {

std::string F(std::string_view format, std::vector<Value> args) { return GoSprintf(format, args); }

TEST(GoFormatFloat, MatchesStrconv) {
  EXPECT_EQ(GoFormatFloat(1e6, 'g', -1), "1e+06");
  EXPECT_EQ(GoFormatFloat(100000, 'g', -1), "100000");
  EXPECT_EQ(GoFormatFloat(0.0001, 'g', -1), "0.0001");
  EXPECT_EQ(GoFormatFloat(0.00001, 'g', -1), "1e-05");
  EXPECT_EQ(GoFormatFloat(1234.5678, 'g', 4), "1235");
  EXPECT_EQ(GoFormatFloat(12345, 'g', 4), "1.234e+04");  // half to even on the exact tie
  EXPECT_EQ(GoFormatFloat(1.5, 'g', 4), "1.5");
  EXPECT_EQ(GoFormatFloat(1000, 'g', 4), "1000");
  EXPECT_EQ(GoFormatFloat(0, 'g', 4), "0");
  EXPECT_EQ(GoFormatFloat(-0.0, 'g', -1), "-0");
  EXPECT_EQ(GoFormatFloat(2.5, 'f', 0), "2");
  EXPECT_EQ(GoFormatFloat(3.14159, 'f', 2), "3.14");
  EXPECT_EQ(GoFormatFloat(0.1, 'f', -1), "0.1");
  EXPECT_EQ(GoFormatFloat(123456.789, 'e', 6), "1.234568e+05");
  EXPECT_EQ(GoFormatFloat(1e100, 'e', -1), "1e+100");
  EXPECT_EQ(GoFormatFloat(0, 'e', 2), "0.00e+00");
  EXPECT_EQ(GoFormatFloat(std::nan(""), 'f', 2), "NaN");
  EXPECT_EQ(GoFormatFloat(-std::numeric_limits<double>::infinity(), 'g', -1), "-Inf");
  EXPECT_EQ(GoFormatFloat(1, 'b', -1), "4503599627370496p-52");
  EXPECT_EQ(GoFormatFloat(1, 'x', -1), "0x1p+00");
}

TEST(GoSprintf, Verbs) {
  EXPECT_EQ(F("%d|%5d|%-5d|%05d|%+d|% d", {Value::Int(42), Value::Int(42), Value::Int(42), Value::Int(42),
                                            Value::Int(42), Value::Int(42)}),
            "42|   42|42   |00042|+42| 42");
  EXPECT_EQ(F("%x %X %o %O %b %c %U %#U %q", {Value::Int(255), Value::Int(255), Value::Int(8), Value::Int(8),
                                              Value::Int(5), Value::Int(65), Value::Int(65), Value::Int(65),
                                              Value::Int(65)}),
            "ff FF 10 0o10 101 A U+0041 U+0041 'A' 'A'");
  EXPECT_EQ(F("%#x %#o %#b", {Value::Int(255), Value::Int(8), Value::Int(5)}), "0xff 010 0b101");
  EXPECT_EQ(F("%.3d|%8.3d|%x", {Value::Int(7), Value::Int(-7), Value::Int(-255)}), "007|    -007|-ff");
  EXPECT_EQ(F("%8.3f|%-8.3f|%08.3f|%+.1e", {Value::Float(3.14159), Value::Float(3.14159), Value::Float(-3.14159),
                                            Value::Float(1234.5)}),
            "   3.142|3.142   |-003.142|+1.2e+03");
  EXPECT_EQ(F("%v %v %.2v %g %G", {Value::Float(1e21), Value::Float(0.5), Value::Float(3.14159), Value::Float(1e-7),
                                   Value::Float(1e-7)}),
            "1e+21 0.5 3.1 1e-07 1E-07");
  EXPECT_EQ(F("%#g %#.3g %#v", {Value::Float(1.0), Value::Float(2.0), Value::Float(3.5)}), "1.00000 2.00 3.5");
  EXPECT_EQ(F("%6.2f|%06v|% f", {Value::Float(INFINITY), Value::Float(NAN), Value::Float(NAN)}),
            "  +Inf|   NaN| NaN");
  EXPECT_EQ(F("%t|%5t|%v", {Value::Bool(true), Value::Bool(false), Value::Bool(true)}), "true|false|true");
  EXPECT_EQ(F("%10s|%-10s|%.2s|%q|%+q|%#q", {Value::String("abc"), Value::String("abc"), Value::String("abc"),
                                             Value::String("a\"b\n"), Value::String("é"), Value::String("x")}),
            "       abc|abc       |ab|\"a\\\"b\\n\"|\"\\u00e9\"|`x`");
  EXPECT_EQ(F("%x|% x|%#x|% #X|%5.1x", {Value::String("hi"), Value::String("hi"), Value::String("hi"),
                                        Value::String("hi"), Value::String("hi")}),
            "6869|68 69|0x6869|0X68 0X69|   68");
  EXPECT_EQ(F("%05s", {Value::String("ab")}), "000ab");  // Go 1.19 zero-pads strings
  EXPECT_EQ(F("%T %T %T %T", {Value::Int(1), Value::Float(1), Value::String(""), Value::Html("")}),
            "int float64 string template.HTML");
}

TEST(GoSprintf, Complaints) {
  EXPECT_EQ(F("%d|%s|%t", {Value::String("x"), Value::Int(3), Value::Int(1)}),
            "%!d(string=x)|%!s(int=3)|%!t(int=1)");
  EXPECT_EQ(F("%5d", {Value::String("x")}), "%!d(string=    x)");
  EXPECT_EQ(F("%d %d", {Value::Int(1)}), "1 %!d(MISSING)");
  EXPECT_EQ(F("%d", {Value::Int(1), Value::Int(2), Value::String("x")}), "1%!(EXTRA int=2, string=x)");
  EXPECT_EQ(F("100%", {}), "100%!(NOVERB)");
  EXPECT_EQ(F("%!", {}), "%!!(MISSING)");
  EXPECT_EQ(F("%z", {Value::Int(1)}), "%!z(int=1)");
  EXPECT_EQ(F("%v|%d", {Value{}, Value{}}), "<nil>|%!d(<nil>)");
  EXPECT_EQ(F("%*d", {Value::String("x"), Value::Int(1)}), "%!(BADWIDTH)1");
  EXPECT_EQ(F("%.*d", {Value::String("x"), Value::Int(1)}), "%!(BADPREC)1");
  EXPECT_EQ(F("%[3]d", {Value::Int(1)}), "%!d(BADINDEX)");
  EXPECT_EQ(F("%[2]d %[1]d", {Value::Int(1), Value::Int(2)}), "2 1");
  EXPECT_EQ(F("%-*d|", {Value::Int(-4), Value::Int(1)}), "1   |");
}

TEST(GoSprint, SpacesBetweenNonStrings) {
  EXPECT_EQ(GoSprint({Value::Int(1), Value::Int(2), Value::String("a"), Value::String("b"), Value::Int(3)}),
            "1 2ab3");
  EXPECT_EQ(GoSprintln({Value::Int(1), Value::String("a")}), "1 a\n");
  EXPECT_EQ(GoSprint({Value::Float(1e6), Value::Bool(true)}), "1e+06 true");
}

TEST(GoSprint, CompositeValues) {
  auto labels = std::make_shared<StringMap>(StringMap{{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(GoSprint({Value::OfStringMap(labels)}), "map[a:1 b:2]");
  EXPECT_EQ(F("%q", {Value::OfStringMap(labels)}), "map[\"a\":\"1\" \"b\":\"2\"]");
  EXPECT_EQ(F("%#v", {Value::OfStringMap(labels)}), "map[string]string{\"a\":\"1\", \"b\":\"2\"}");
  EXPECT_EQ(F("%d", {Value::OfStringMap(labels)}), "map[%!d(string=a):%!d(string=1) %!d(string=b):%!d(string=2)]");
  auto sample = std::make_shared<SampleData>(SampleData{{{"job", "x"}}, 1.5});
  EXPECT_EQ(GoSprint({Value::OfSample(sample)}), "&{map[job:x] 1.5}");
  EXPECT_EQ(F("%+v", {Value::OfSample(sample)}), "&{Labels:map[job:x] Value:1.5}");
  EXPECT_EQ(GoPrintActionValue(Value::OfSample(sample)), "{map[job:x] 1.5}");
  EXPECT_EQ(GoPrintActionValue(Value::OfSample(nullptr)), "<nil>");
  EXPECT_EQ(GoPrintActionValue(Value{}), "<no value>");
  EXPECT_EQ(GoPrintActionValue(Value::Time(1500000000)), "1970-01-01 00:00:01.5 +0000 UTC");
  EXPECT_EQ(GoPrintActionValue(Value::Duration(5400000000000)), "1h30m0s");
  EXPECT_EQ(GoPrintActionValue(Value::Duration(1500000)), "1.5ms");
}

}  // namespace
}  // namespace cairn::rules::tmpl

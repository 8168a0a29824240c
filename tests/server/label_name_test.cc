#include "server/api/label_name.h"

#include <gtest/gtest.h>

namespace cairn::server::api {
namespace {

TEST(UnescapeLabelNameTest, PlainNamesPassThrough) {
  EXPECT_EQ(UnescapeLabelName("job"), "job");
  EXPECT_EQ(UnescapeLabelName("__name__"), "__name__");
  EXPECT_EQ(UnescapeLabelName("U_x"), "U_x");
}

TEST(UnescapeLabelNameTest, DecodesValuesEscaping) {
  EXPECT_EQ(UnescapeLabelName("U__http_2e_status__code"), "http.status_code");
  EXPECT_EQ(UnescapeLabelName("U__a_2f_b"), "a/b");
  EXPECT_EQ(UnescapeLabelName("U______name____"), "__name__");
  EXPECT_EQ(UnescapeLabelName("U__caf_e9_"), "caf\xc3\xa9");
  EXPECT_EQ(UnescapeLabelName("U___1f525_"), "\xf0\x9f\x94\xa5");
  EXPECT_EQ(UnescapeLabelName("U__"), "");
}

TEST(UnescapeLabelNameTest, InvalidEscapesReturnInput) {
  // "_c" opens a hex escape, so an undoubled '_' before a non-hex letter is invalid.
  EXPECT_EQ(UnescapeLabelName("U__http_2e_status_code"), "U__http_2e_status_code");
  for (const char* bad : {"U__a_2e", "U__a_zz_", "U__a_", "U__a_1234567_", "U__a_d800_", "U__a_110000_"}) {
    EXPECT_EQ(UnescapeLabelName(bad), bad);
  }
}

}  // namespace
}  // namespace cairn::server::api

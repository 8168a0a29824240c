#include "tools/cairnctl/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace cairn::cairnctl {
namespace {

TEST(ProgressTest, RendersBarWithRateAndEta) {
  EXPECT_EQ(RenderProgress("import", "samples", 500, 1000, 2.0, true),
            "import [##########..........]  50% 500/1000 samples  250 samples/s  ETA 0:02");
  EXPECT_EQ(RenderProgress("import", "samples", 1000, 1000, 2.0, true),
            "import [####################] 100% 1000/1000 samples  500 samples/s  ETA 0:00");
  EXPECT_EQ(RenderProgress("export", "samples", 30, 0, 3.0, true), "export 30 samples  10 samples/s  0:03");
}

TEST(ProgressTest, RendersPlainLines) {
  EXPECT_EQ(RenderProgress("import", "samples", 250, 1000, 1.0, false),
            "import: 250/1000 samples (25%), 250 samples/s");
  EXPECT_EQ(RenderProgress("import", "lines", 7, 0, 1.0, false), "import: 7 lines, 7 lines/s");
}

TEST(ProgressTest, FormatsClock) {
  EXPECT_EQ(FormatClock(0), "0:00");
  EXPECT_EQ(FormatClock(62), "1:02");
  EXPECT_EQ(FormatClock(3723), "1:02:03");
}

TEST(ProgressTest, PlainReporterPrintsPeriodicLinesAndFinalLine) {
  std::ostringstream out;
  {
    Progress p("import", {.unit = "samples", .total = 10, .tty = false,
                          .plain_interval = std::chrono::milliseconds(20), .out = &out});
    p.Add(4);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    p.Add(6);
    p.Finish();
  }
  std::string s = out.str();
  EXPECT_NE(s.find("import: 4/10 samples (40%)"), std::string::npos) << s;
  EXPECT_NE(s.find("import: done, 10 samples in "), std::string::npos) << s;
  EXPECT_EQ(s.find('\r'), std::string::npos);
}

TEST(ProgressTest, TerminalReporterEndsAtHundredPercent) {
  std::ostringstream out;
  Progress p("export", {.unit = "samples", .total = 3, .tty = true, .out = &out});
  p.Add(3);
  p.Finish();
  std::string s = out.str();
  EXPECT_NE(s.find("\rexport [####################] 100% 3/3 samples"), std::string::npos) << s;
}

TEST(ProgressTest, InterruptedSaysHowFarItGot) {
  std::ostringstream out;
  Progress p("import", {.unit = "samples", .total = 8, .tty = false, .out = &out});
  p.Add(2);
  p.Interrupted();
  EXPECT_EQ(out.str(), "import: interrupted after 2 of 8 samples (25%)\n");
}

TEST(ProgressTest, StopFlag) {
  RequestStop(true);
  EXPECT_TRUE(StopRequested());
  RequestStop(false);
  EXPECT_FALSE(StopRequested());
}

}  // namespace
}  // namespace cairn::cairnctl

// libFuzzer target for rule files: arbitrary bytes must never crash
// ParseRuleFile (yaml decoding, validation, PromQL and template checks), and
// a file that loads must build groups.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "rules/manager.h"
#include "rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace cairn::rules;
  auto f = ParseRuleFile("fuzz.yml", in);
  if (f.ok()) {
    auto groups = GroupsFromFiles(std::make_shared<const ManagerOptions>(), nullptr, 60'000, {*f}, false);
    if (!groups.ok()) __builtin_trap();
  }
  return 0;
}

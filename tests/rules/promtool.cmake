# The seed's deploy/ files under promtool/amtool, and the promtool-format rule unit tests in
# tests/rules/promtool/ whose verdicts (pass, or fail for failing/) each runner must reproduce.
# With cairn-rules-test built, every file also runs under Cairn's runner: same verdict, same output.
set(_rules_verdict_args --repo ${PROJECT_SOURCE_DIR})
if(TARGET cairn-rules-test)
  list(APPEND _rules_verdict_args --cairn-rules-test $<TARGET_FILE:cairn-rules-test>)
endif()
if(TARGET cairnctl)
  list(APPEND _rules_verdict_args --cairnctl $<TARGET_FILE:cairnctl>)
endif()
add_test(NAME rules_promtool_verdicts
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/promtool_verdicts.py ${_rules_verdict_args})
set_tests_properties(rules_promtool_verdicts PROPERTIES LABELS unit TIMEOUT 120 SKIP_RETURN_CODE 77)

# The runner's parser, series loader and promtool-identical failure texts.
if(TARGET cairn_rules_unittest_format)
  cairn_test(rules_unittest_format_test SOURCES unittest_format_test.cc LIBS cairn_rules_unittest_format)
endif()

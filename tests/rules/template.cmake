# rules/template: Go's text/template and Prometheus' template functions.
cairn_test(rules_template_test
  SOURCES template_parser_test.cc template_go_fmt_test.cc template_expander_test.cc
  LIBS cairn_rules_template)

# The same expectations promtool checks (templates/*.yml), expanded by Cairn;
# `query` runs through Cairn's PromQL engine over the test's input series.
if(TARGET cairn_promql)
  pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)
  cairn_test(rules_template_promtool_crosscheck_test
    SOURCES template_promtool_crosscheck_test.cc
    LIBS cairn_rules_template cairn_promql PkgConfig::YAMLCPP)
  target_compile_definitions(rules_template_promtool_crosscheck_test PRIVATE
    CAIRN_TEMPLATE_TESTDATA="${CMAKE_CURRENT_SOURCE_DIR}/templates")
endif()

# Debian's promtool (Prometheus 2.42) passes the same files: the expectations
# are Prometheus' own output. Skipped (77) without promtool.
add_test(NAME rules_template_promtool
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/templates/run_promtool.sh)
set_tests_properties(rules_template_promtool PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 60)

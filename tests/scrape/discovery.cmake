# Tests of scrape/discovery (included from tests/scrape/CMakeLists.txt). The
# http_sd and dns_sd tests start the Python servers in testdata/ on 127.0.0.1;
# the kubernetes_sd tests replay testdata/kubernetes/ from an in-process
# fake API server (kubernetes_api_server.h).
cairn_test(scrape_target_group_test SOURCES target_group_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_sd_configs_test SOURCES sd_configs_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_file_discoverer_test SOURCES file_discoverer_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_http_discoverer_test SOURCES http_discoverer_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_dns_discoverer_test SOURCES dns_discoverer_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_discovery_manager_test SOURCES discovery_manager_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_kubernetes_sd_config_test SOURCES kubernetes_sd_config_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_kubernetes_api_test SOURCES kubernetes_api_test.cc LIBS cairn_scrape_discovery)
cairn_test(scrape_kubernetes_discoverer_test SOURCES kubernetes_discoverer_test.cc LIBS cairn_scrape_discovery)
foreach(t scrape_http_discoverer_test scrape_dns_discoverer_test scrape_kubernetes_discoverer_test scrape_kubernetes_api_test)
  target_compile_definitions(${t} PRIVATE CAIRN_SCRAPE_TESTDATA="${CMAKE_CURRENT_SOURCE_DIR}/testdata")
endforeach()

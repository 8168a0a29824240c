# Tests of scrape/http (included from tests/scrape/CMakeLists.txt).
cairn_test(scrape_http_config_test SOURCES http_config_test.cc LIBS cairn_scrape_http)
cairn_test(scrape_url_test SOURCES url_test.cc LIBS cairn_scrape_http)
cairn_test(scrape_body_decoder_test SOURCES body_decoder_test.cc LIBS cairn_scrape_http)
# These start peers (python3 http.server, nginx) on free 127.0.0.1 ports.
cairn_test(scrape_target_fetcher_test SOURCES target_fetcher_test.cc LIBS cairn_scrape_http)
target_compile_definitions(scrape_target_fetcher_test PRIVATE CAIRN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
cairn_test(scrape_target_fetcher_tls_test SOURCES target_fetcher_tls_test.cc LIBS cairn_scrape_http)
# DoRequest against an in-test server (tests/scrape/recording_http_server.h).
cairn_test(scrape_request_test SOURCES request_test.cc LIBS cairn_scrape_http)

# Tests of the scrape core: targets, appending a scrape (included from tests/scrape/CMakeLists.txt).
cairn_test(scrape_target_test SOURCES target_test.cc LIBS cairn_scrape)
cairn_test(scrape_append_test SOURCES scrape_append_test.cc LIBS cairn_scrape)

# Black-box API tests: tests/api/*_test.cc run `outdial serve` as a subprocess (client.cc holds the
# Beast client; it is the only Beast file of the suite).
if(TARGET api_tests)
  target_sources(api_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/client.cc)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/client.cc PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
  target_compile_definitions(api_tests PRIVATE OUTDIAL_BIN="$<TARGET_FILE:outdial>")
  add_dependencies(api_tests outdial)
endif()

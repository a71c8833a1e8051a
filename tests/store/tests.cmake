# Store suites: the contract suite's backends (SQLite in a temp dir; PostgreSQL in a throwaway
# cluster the test starts itself; MemoryCatalog, the fake, kept to the same contract).
target_sources(store_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_backend.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_backend.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_backend.cc
)
target_include_directories(store_tests PRIVATE ${PROJECT_SOURCE_DIR})

# Crash test: a driver running the engine against a SQLite file, killed with SIGKILL at random.
add_executable(store_crash_driver ${CMAKE_CURRENT_LIST_DIR}/crash_driver.cc)
target_include_directories(store_crash_driver PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(store_crash_driver PRIVATE outdial_app_lib outdial_warnings)
add_test(NAME store_crash_test COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/crash_test.sh $<TARGET_FILE:store_crash_driver>)
set_tests_properties(store_crash_test PROPERTIES LABELS store TIMEOUT 600)

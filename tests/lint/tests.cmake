# Lint (scripts/lint.sh) as the ctest test `lint`, label lint: clang-format over src/, tests/ and
# bench/, clang-tidy over src/ with this build's compile commands; a finding fails the test.
# On when OUTDIAL_LINT is (the ci preset), so that CI runs it as part of the test command.
if(OUTDIAL_LINT)
  cmake_host_system_information(RESULT lint_jobs QUERY NUMBER_OF_LOGICAL_CORES)
  add_test(NAME lint COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/lint.sh -j ${lint_jobs} -p ${PROJECT_BINARY_DIR})
  # It takes every core (ctest -j then runs nothing beside it) and a few minutes.
  set_tests_properties(lint PROPERTIES LABELS lint TIMEOUT 1200 PROCESSORS ${lint_jobs})
endif()

# The browser UI's unit tests (Vitest, in web/): the event reducer, countdown, reconnect, i18n.
# They need web/node_modules, which scripts/setup.sh installs from the committed lockfile.
find_program(NPM_PROGRAM npm)
if(NPM_PROGRAM AND EXISTS ${PROJECT_SOURCE_DIR}/web/package.json)
  add_test(NAME web_unit COMMAND ${NPM_PROGRAM} test --silent WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/web)
  set_tests_properties(web_unit PROPERTIES LABELS web TIMEOUT 300 ENVIRONMENT "CI=true")
endif()

# The browser UI's unit tests (Vitest, in web/): the event reducer, countdown, reconnect, i18n.
# They need web/node_modules, which scripts/setup.sh installs from the committed lockfile.
find_program(NPM_PROGRAM npm)
if(NPM_PROGRAM AND EXISTS ${PROJECT_SOURCE_DIR}/web/package.json)
  add_test(NAME web_unit COMMAND ${NPM_PROGRAM} test --silent WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/web)
  set_tests_properties(web_unit PROPERTIES LABELS web TIMEOUT 300 ENVIRONMENT "CI=true")
endif()

# Browser tests: headless Debian Chromium driven by playwright-core against the real binary
# (`outdial serve --demo` on a free port with a temp SQLite database, started by the tests).
# Screenshots go to artifacts/screenshots/.
find_program(NODE_PROGRAM node)
if(NODE_PROGRAM AND EXISTS ${PROJECT_SOURCE_DIR}/web/e2e AND EXISTS /usr/bin/chromium)
  add_test(NAME web_e2e COMMAND ${NODE_PROGRAM} --test --test-concurrency=1 e2e/
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/web)
  set_tests_properties(web_e2e PROPERTIES LABELS "web;e2e" TIMEOUT 1200 RUN_SERIAL TRUE
                       ENVIRONMENT "OUTDIAL_BIN=$<TARGET_FILE:outdial>;CI=true")
endif()

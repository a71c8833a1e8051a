# `outdial import` / `outdial export` against a SQLite database seeded by `serve --demo`.
add_test(NAME contacts_cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/contacts_cli.sh $<TARGET_FILE:outdial>)
set_tests_properties(contacts_cli PROPERTIES LABELS app TIMEOUT 300)

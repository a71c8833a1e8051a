# The scenario fixture (scripted telephony, recording store and sink) is shared by every
# tests/scenarios/*_test.cc, which tests/CMakeLists.txt gathers into scenarios_tests.
if(TARGET scenarios_tests)
  target_sources(scenarios_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/scenario_fixture.cc)
endif()

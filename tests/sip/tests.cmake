# SIP driver suite (tests/sip/*_test.cc → sip_tests): sipp processes on 127.0.0.1, free ports,
# started and killed by the tests; the AMD corpus is generated with espeak-ng + sox.
if(TARGET sip_tests)
  target_compile_definitions(sip_tests PRIVATE OUTDIAL_SIP_TEST_DIR="${CMAKE_CURRENT_LIST_DIR}")
endif()
if(TARGET sip_tests)
  target_compile_definitions(sip_tests PRIVATE OUTDIAL_SIP_CORPUS_DIR="${CMAKE_CURRENT_BINARY_DIR}/amd_corpus")
  # Includes re.h (DESIGN.md: libre's pkg-config flags are incomplete).
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/libre_timers_test.cc PROPERTIES COMPILE_OPTIONS
                              "-DHAVE_INTTYPES_H;-DHAVE_STDBOOL_H;-DHAVE_INET6;-Wno-volatile")
endif()

add_test(NAME serve_sip_smoke COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/serve_sip_smoke.sh $<TARGET_FILE:outdial>)
set_tests_properties(serve_sip_smoke PROPERTIES LABELS sip TIMEOUT 60)

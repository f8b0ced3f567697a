# Shared compiler settings for every Roomshare target.
function(roomshare_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra)
    if(ROOMSHARE_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_USE_QSTRINGBUILDER)
endfunction()

# roomshare_add_test(NAME SOURCES... [LIBS ...] [GUI] [TIMEOUT SECONDS])
# One Qt Test executable registered with ctest; tests run offscreen with an
# isolated HOME so QStandardPaths never touches the developer's folders.
# The one place that decides how long a test may run: TIMEOUT (default 300 s) times
# ROOMSHARE_TEST_TIMEOUT_SCALE, which slow builds raise (tests/extra/sanitizers.sh: 3).
# ctest's --timeout does not override a test's TIMEOUT property, so the scripts pass none.
set(ROOMSHARE_TEST_TIMEOUT_SCALE 1 CACHE STRING "Multiplier of every test's TIMEOUT")
function(roomshare_add_test name)
    cmake_parse_arguments(ARG "GUI" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
    qt_add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    roomshare_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * ${ROOMSHARE_TEST_TIMEOUT_SCALE}")
    # The CLI and app processes a test starts keep state (unfinished uploads, the last
    # room) under HOME: a folder of the build tree per test, never the user's own.
    set(home "${CMAKE_BINARY_DIR}/test-home/${name}")
    file(MAKE_DIRECTORY "${home}")
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;ROOMSHARE_SERVER_BIN=$<TARGET_FILE:roomshare-server>;ROOMSHARE_CLI_BIN=$<TARGET_FILE:roomshare-cli>;HOME=${home};XDG_DATA_HOME=${home}/.local/share;XDG_CONFIG_HOME=${home}/.config;XDG_CACHE_HOME=${home}/.cache")
endfunction()

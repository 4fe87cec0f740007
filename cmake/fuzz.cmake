# The libFuzzer targets of tests/fuzz (-DTARE_FUZZ=ON, clang only): each tests/fuzz/fuzz_<name>.c
# is one executable and one ctest, fuzz/<name>, that runs it briefly on its committed seeds.
# Included by CMakeLists.txt after tare_core and the tests are defined.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "TARE_FUZZ needs clang, not ${CMAKE_C_COMPILER_ID}: configure a separate "
    "build folder with CC=clang")
endif()
include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
check_c_source_compiles("#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }"
  TARE_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
if(NOT TARE_HAVE_LIBFUZZER)
  message(FATAL_ERROR "clang cannot link -fsanitize=fuzzer: libFuzzer is missing (Debian: "
    "libclang-rt-dev, which ci/setup installs)")
endif()

set(TARE_SANITIZE address,undefined)
# tare_core gets the coverage the fuzzer steers by and the sanitizers that turn bugs into
# crashes; whatever links it (tare, the unit tests) then needs the sanitizer runtimes too.
target_compile_options(tare_core PRIVATE -fsanitize=fuzzer-no-link,${TARE_SANITIZE}
  -fno-sanitize-recover=all -fno-omit-frame-pointer)
target_link_options(tare_core INTERFACE -fsanitize=${TARE_SANITIZE})

# Seconds each ctest fuzzes for: enough to run every seed and some thousands of mutations, short
# enough for CI (docs/fuzzing.md says how to run for an hour).
set(TARE_FUZZ_SECONDS 5 CACHE STRING "seconds each fuzz/<name> ctest runs its target")

file(GLOB TARE_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
add_custom_target(tare_fuzz)
foreach(src ${TARE_FUZZ_TARGETS})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" short ${name})
  add_executable(${name} ${src})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,${TARE_SANITIZE}
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,${TARE_SANITIZE})
  target_link_libraries(${name} PRIVATE tare_core)
  add_dependencies(tare_fuzz ${name})
  # New inputs go to the build folder's corpus (the first folder named), never to the committed
  # seeds; a crashing input lands in fuzz/<name>/ as crash-<sha1> (or leak-, timeout-, oom-).
  set(work ${CMAKE_BINARY_DIR}/fuzz/${short})
  file(MAKE_DIRECTORY ${work}/corpus)
  add_test(NAME fuzz/${short} COMMAND ${name} -max_total_time=${TARE_FUZZ_SECONDS} -timeout=10
    -dict=${CMAKE_SOURCE_DIR}/tests/fuzz/${short}.dict -artifact_prefix=${work}/
    ${work}/corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${short}
    WORKING_DIRECTORY ${work})
  set_tests_properties(fuzz/${short} PROPERTIES LABELS fuzz)
endforeach()

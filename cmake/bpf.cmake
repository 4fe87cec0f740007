# The BPF capture object and its skeleton: clang -target bpf (CO-RE), bpftool gen skeleton, and
# libbpf for tare_core. Included by CMakeLists.txt after tare_core is defined.
find_program(TARE_BPF_CLANG NAMES clang clang-16 clang-15 clang-14 REQUIRED)
find_program(TARE_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin REQUIRED)
find_program(TARE_LLVM_STRIP NAMES llvm-strip llvm-strip-16 llvm-strip-15 llvm-strip-14)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)

set(TARE_BPF_DIR ${CMAKE_SOURCE_DIR}/bpf)
set(TARE_BPF_GEN ${CMAKE_BINARY_DIR}/generated/bpf)
file(MAKE_DIRECTORY ${TARE_BPF_GEN} ${TARE_BPF_GEN}/vmlinux)

# vmlinux.h from the running kernel's BTF when it has one (CO-RE relocates against the target
# kernel either way), else the committed copy.
set(TARE_KERNEL_BTF /sys/kernel/btf/vmlinux)
if(EXISTS ${TARE_KERNEL_BTF})
  set(TARE_VMLINUX_DIR ${TARE_BPF_GEN}/vmlinux)
  add_custom_command(OUTPUT ${TARE_VMLINUX_DIR}/vmlinux.h
    COMMAND sh -c "'${TARE_BPFTOOL}' btf dump file '${TARE_KERNEL_BTF}' format c > vmlinux.h.tmp && mv vmlinux.h.tmp vmlinux.h"
    WORKING_DIRECTORY ${TARE_VMLINUX_DIR}
    DEPENDS ${TARE_KERNEL_BTF}
    COMMENT "generating vmlinux.h from ${TARE_KERNEL_BTF}"
    VERBATIM)
  set(TARE_VMLINUX_H ${TARE_VMLINUX_DIR}/vmlinux.h)
else()
  set(TARE_VMLINUX_DIR ${TARE_BPF_DIR}/vmlinux)
  set(TARE_VMLINUX_H ${TARE_VMLINUX_DIR}/vmlinux.h)
  message(STATUS "no ${TARE_KERNEL_BTF}: building the capture against bpf/vmlinux/vmlinux.h")
endif()

# Debug info gives the object its BTF (needed for CO-RE and the maps); DWARF is then stripped,
# because the skeleton embeds the object in the tare binary.
set(TARE_BPF_OBJ ${TARE_BPF_GEN}/capture.bpf.o)
if(TARE_LLVM_STRIP)
  set(TARE_BPF_STRIP COMMAND ${TARE_LLVM_STRIP} -g ${TARE_BPF_OBJ})
endif()
add_custom_command(OUTPUT ${TARE_BPF_OBJ}
  COMMAND ${TARE_BPF_CLANG} -target bpf -g -O2 -D__TARGET_ARCH_x86 -Wall
    -I${TARE_VMLINUX_DIR} -I${TARE_BPF_DIR} -c ${TARE_BPF_DIR}/capture.bpf.c -o ${TARE_BPF_OBJ}
  ${TARE_BPF_STRIP}
  DEPENDS ${TARE_BPF_DIR}/capture.bpf.c ${TARE_BPF_DIR}/capture.h ${TARE_VMLINUX_H}
  COMMENT "compiling bpf/capture.bpf.c"
  VERBATIM)

set(TARE_BPF_SKEL ${TARE_BPF_GEN}/capture.skel.h)
add_custom_command(OUTPUT ${TARE_BPF_SKEL}
  COMMAND sh -c "'${TARE_BPFTOOL}' gen skeleton '${TARE_BPF_OBJ}' name capture_bpf > capture.skel.h.tmp && mv capture.skel.h.tmp capture.skel.h"
  WORKING_DIRECTORY ${TARE_BPF_GEN}
  DEPENDS ${TARE_BPF_OBJ}
  COMMENT "generating the capture skeleton"
  VERBATIM)

add_custom_target(tare_bpf_skeleton DEPENDS ${TARE_BPF_SKEL})
add_dependencies(tare_core tare_bpf_skeleton)
# The skeleton and bpf/capture.h are private to src/run/capture.c ("bpf/capture.h" through the
# source root).
target_include_directories(tare_core PRIVATE ${TARE_BPF_GEN} ${CMAKE_SOURCE_DIR})
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/run/capture.c PROPERTIES
  OBJECT_DEPENDS ${TARE_BPF_SKEL})
target_link_libraries(tare_core PUBLIC PkgConfig::LIBBPF)

# The BPF capture object and its skeleton: clang -target bpf (CO-RE), bpftool gen skeleton, and
# libbpf for tare_core. Included by CMakeLists.txt after tare_core is defined.
find_program(TARE_BPF_CLANG NAMES clang clang-16 clang-15 clang-14 REQUIRED)
find_program(TARE_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin REQUIRED)
find_program(TARE_LLVM_STRIP NAMES llvm-strip llvm-strip-16 llvm-strip-15 llvm-strip-14)
find_program(TARE_LLVM_OBJDUMP NAMES llvm-objdump llvm-objdump-16 llvm-objdump-15 llvm-objdump-14)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)

set(TARE_BPF_DIR ${CMAKE_SOURCE_DIR}/bpf)
set(TARE_BPF_GEN ${CMAKE_BINARY_DIR}/generated/bpf)
file(MAKE_DIRECTORY ${TARE_BPF_GEN} ${TARE_BPF_GEN}/vmlinux)

# The capture runs on the architecture tare is built for. libbpf's bpf_tracing.h reads syscall
# arguments by that architecture's register names (__TARGET_ARCH_<arch>), bpf/capture.h picks its
# syscall numbers by it, and bpf/vmlinux/<arch>/ holds its committed kernel types.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(TARE_BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(TARE_BPF_ARCH arm64)
else()
  message(FATAL_ERROR "the eBPF capture is built for x86_64 and arm64 only, not "
    "'${CMAKE_SYSTEM_PROCESSOR}'")
endif()
# Flags of every capture object, the build's and the cross-architecture check's (CMakeLists.txt).
set(TARE_BPF_CFLAGS -g -O2 -Wall)

# vmlinux.h from the running kernel's BTF when it has one and is the target's (CO-RE relocates
# against the target kernel either way), else the committed copy for the architecture.
set(TARE_KERNEL_BTF /sys/kernel/btf/vmlinux)
if(EXISTS ${TARE_KERNEL_BTF} AND NOT CMAKE_CROSSCOMPILING)
  set(TARE_VMLINUX_DIR ${TARE_BPF_GEN}/vmlinux)
  add_custom_command(OUTPUT ${TARE_VMLINUX_DIR}/vmlinux.h
    COMMAND sh -c "'${TARE_BPFTOOL}' btf dump file '${TARE_KERNEL_BTF}' format c > vmlinux.h.tmp && mv vmlinux.h.tmp vmlinux.h"
    WORKING_DIRECTORY ${TARE_VMLINUX_DIR}
    DEPENDS ${TARE_KERNEL_BTF}
    COMMENT "generating vmlinux.h from ${TARE_KERNEL_BTF}"
    VERBATIM)
  set(TARE_VMLINUX_H ${TARE_VMLINUX_DIR}/vmlinux.h)
else()
  set(TARE_VMLINUX_DIR ${TARE_BPF_DIR}/vmlinux/${TARE_BPF_ARCH})
  set(TARE_VMLINUX_H ${TARE_VMLINUX_DIR}/vmlinux.h)
  message(STATUS "building the capture against bpf/vmlinux/${TARE_BPF_ARCH}/vmlinux.h")
endif()

# Debug info gives the object its BTF (needed for CO-RE and the maps); DWARF is then stripped,
# because the skeleton embeds the object in the tare binary.
set(TARE_BPF_OBJ ${TARE_BPF_GEN}/capture.bpf.o)
if(TARE_LLVM_STRIP)
  set(TARE_BPF_STRIP COMMAND ${TARE_LLVM_STRIP} -g ${TARE_BPF_OBJ})
endif()
add_custom_command(OUTPUT ${TARE_BPF_OBJ}
  COMMAND ${TARE_BPF_CLANG} -target bpf ${TARE_BPF_CFLAGS} -D__TARGET_ARCH_${TARE_BPF_ARCH}
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

# check_install.cmake: the installed library, as a user sees it.
#
# Installs the build tree into a fresh prefix under WORK, then checks
#   1. the header tree: include/ holds exactly aandacht/aandacht.h and the
#      headers it includes (nothing missing, nothing more), each compiles on
#      its own (twice in one file) with only <prefix>/include on the include
#      path, and none pulls in a dependency's header (Random123, libconfig,
#      GSL, HDF5, OpenMP, MPI);
#   2. the libraries: libaandacht.so and libaandacht.a, no layer archive,
#      the archive defines every symbol the shared library exports and needs
#      nothing of HDF5;
#   3. a user's CMake project (tests/install/CMakeLists.txt) configured with
#      -DCMAKE_PREFIX_PATH=<prefix> finds this prefix's package and builds
#      consumer.c linked to aandacht::aandacht and aandacht::aandacht_static;
#   4. consumer.c built with cc $(pkg-config --cflags --libs aandacht) and
#      with aandacht-static, PKG_CONFIG_PATH=<prefix>/lib/pkgconfig;
#   5. the four programs run (the shared ones through the RPATH CMake gives
#      or LD_LIBRARY_PATH, the static ones needing no libaandacht.so) and
#      print the same lines.
# Any failed step stops it with FATAL_ERROR.
#
# cmake -DBUILD=<build tree> -DSOURCE=<source tree> -DWORK=<scratch dir>
#       -DCC=<C compiler> -DGENERATOR=<generator> [-DMAKE_PROGRAM=...]
#       -DNM=nm [-DREADELF=readelf] -DPKG_CONFIG=pkg-config
#       -DLIBDIR=lib -DINCLUDEDIR=include [-DSANITIZE=-fsanitize=...] -P check_install.cmake
cmake_policy(VERSION 3.25)
foreach(v BUILD SOURCE WORK CC GENERATOR NM PKG_CONFIG LIBDIR INCLUDEDIR)
  if(NOT ${v})
    message(FATAL_ERROR "check_install.cmake: -D${v}=... is missing")
  endif()
endforeach()

# ad_run(WHAT <command...>): runs the command; stops with its output if it fails.
function(ad_run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(ad_out "${out}" PARENT_SCOPE)
endfunction()

set(P ${WORK}/prefix)
set(INC ${P}/${INCLUDEDIR})
set(LIB ${P}/${LIBDIR})
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

ad_run("cmake --install" ${CMAKE_COMMAND} -E env --unset=DESTDIR ${CMAKE_COMMAND} --install ${BUILD} --prefix ${P})

# 1. the header tree ---------------------------------------------------------
# the closure of aandacht/aandacht.h under its own "..." includes
set(need aandacht/aandacht.h)
set(seen "")
set(angle "")
while(need)
  list(POP_FRONT need h)
  if(h IN_LIST seen)
    continue()
  endif()
  if(NOT EXISTS ${INC}/${h})
    message(FATAL_ERROR "installed headers: ${h} is included but not installed")
  endif()
  list(APPEND seen ${h})
  file(STRINGS ${INC}/${h} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${lines})
    if(line MATCHES "\"([^\"]+)\"")
      get_filename_component(dir ${h} DIRECTORY)
      list(APPEND need ${dir}/${CMAKE_MATCH_1})
    elseif(line MATCHES "<([^>]+)>")
      list(APPEND angle ${CMAKE_MATCH_1})
    endif()
  endforeach()
endwhile()
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${INC} ${INC}/*)
list(SORT installed)
list(SORT seen)
if(NOT installed STREQUAL seen)
  message(FATAL_ERROR "installed headers: ${INC} holds\n  ${installed}\nbut the public API "
    "(aandacht/aandacht.h and what it includes) is\n  ${seen}")
endif()
# <...> includes: the C standard library only
set(std assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h
  math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h stdio.h
  stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h)
list(REMOVE_DUPLICATES angle)
foreach(a ${angle})
  if(NOT a IN_LIST std)
    message(FATAL_ERROR "installed headers: <${a}> is not a C standard header (the public API must not need a dependency's headers)")
  endif()
endforeach()
file(MAKE_DIRECTORY ${WORK}/headers)
set(n 0)
foreach(h ${installed})
  math(EXPR n "${n} + 1")
  set(src ${WORK}/headers/h${n}.c)
  file(WRITE ${src} "#include <${h}>\n#include <${h}>\nint ad_header_probe_${n};\n")
  ad_run("${h} on its own" ${CC} -std=c11 -Wall -Wextra -Wpedantic -Werror -I${INC}
    -c ${src} -o ${WORK}/headers/h${n}.o -MD -MF ${WORK}/headers/h${n}.d)
  file(READ ${WORK}/headers/h${n}.d deps)
  if(deps MATCHES "(Random123|libconfig|/gsl/|hdf5|/H5[A-Za-z]*\\.h|/omp\\.h|/mpi\\.h)")
    message(FATAL_ERROR "installed headers: ${h} pulls in a dependency's header (${CMAKE_MATCH_1}):\n${deps}")
  endif()
  string(REPLACE "${WORK}/" "" deps_outside "${deps}")   # WORK may be inside the source tree
  string(FIND "${deps_outside}" "${SOURCE}/" in_source)
  if(NOT in_source EQUAL -1)
    message(FATAL_ERROR "installed headers: ${h} reaches into the source tree:\n${deps}")
  endif()
endforeach()
message(STATUS "headers: ${installed}, each compiles alone")

# 2. the libraries ------------------------------------------------------------
foreach(f libaandacht.so libaandacht.a pkgconfig/aandacht.pc pkgconfig/aandacht-static.pc
    cmake/aandacht/aandachtConfig.cmake cmake/aandacht/aandachtConfigVersion.cmake)
  if(NOT EXISTS ${LIB}/${f})
    message(FATAL_ERROR "not installed: ${LIB}/${f}")
  endif()
endforeach()
file(GLOB layers ${LIB}/libaandacht_*)
if(layers)
  message(FATAL_ERROR "internal layer libraries installed: ${layers}")
endif()
ad_run("nm -D" ${NM} -D --defined-only ${LIB}/libaandacht.so)
string(REGEX MATCHALL "[^\n]+" so_lines "${ad_out}")
ad_run("nm" ${NM} -g --defined-only ${LIB}/libaandacht.a)
set(a_defined "${ad_out}")
set(n 0)
foreach(line ${so_lines})
  if(line MATCHES " [TDRBG] ((ad|cfg)_[A-Za-z0-9_]+)$")
    set(sym ${CMAKE_MATCH_1})
    math(EXPR n "${n} + 1")
    if(NOT a_defined MATCHES " [TDRBGC] ${sym}\n")
      message(FATAL_ERROR "libaandacht.a does not define ${sym}, which libaandacht.so exports")
    endif()
  endif()
endforeach()
if(n LESS 10)
  message(FATAL_ERROR "libaandacht.so exports only ${n} symbols of the API")
endif()
ad_run("nm -u" ${NM} -u ${LIB}/libaandacht.a)
if(ad_out MATCHES " (H5[A-Za-z0-9_]*)")
  message(FATAL_ERROR "libaandacht.a needs HDF5 (${CMAKE_MATCH_1}): the output layer is not part of the API")
endif()
message(STATUS "libraries: libaandacht.a defines the ${n} symbols libaandacht.so exports")

# 3. find_package ----------------------------------------------------------------
set(cb ${WORK}/consumer)
set(gen_args -G ${GENERATOR})
if(MAKE_PROGRAM)
  list(APPEND gen_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
# a sanitized build (make asan) links its consumers with the same sanitizer
if(SANITIZE)
  list(APPEND gen_args "-DCMAKE_C_FLAGS=${SANITIZE}" "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZE}")
endif()
ad_run("configuring tests/install with find_package(aandacht)" ${CMAKE_COMMAND} -S ${SOURCE}/tests/install -B ${cb}
  ${gen_args} -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${P}
  -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
file(STRINGS ${cb}/CMakeCache.txt found_dir REGEX "^aandacht_DIR:")
if(NOT found_dir STREQUAL "aandacht_DIR:PATH=${LIB}/cmake/aandacht")
  message(FATAL_ERROR "find_package(aandacht) found another package: ${found_dir}")
endif()
ad_run("building tests/install" ${CMAKE_COMMAND} --build ${cb})

# 4. pkg-config --------------------------------------------------------------------
set(pc_env ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${LIB}/pkgconfig)
ad_run("pkg-config aandacht" ${pc_env} ${PKG_CONFIG} --variable=pcfiledir aandacht)
string(STRIP "${ad_out}" pcdir)
if(NOT pcdir STREQUAL "${LIB}/pkgconfig")
  message(FATAL_ERROR "pkg-config found aandacht.pc in ${pcdir}, not in ${LIB}/pkgconfig")
endif()
foreach(pc aandacht aandacht-static)
  # what a user types: cc consumer.c $(pkg-config --cflags --libs aandacht) -lm
  ad_run("cc with pkg-config ${pc}" ${pc_env} PKG_CONFIG=${PKG_CONFIG} sh -c
    "\"$0\" -std=c11 ${SANITIZE} \"$1\" $(\"$PKG_CONFIG\" --cflags --libs ${pc}) -lm -o \"$2\""
    ${CC} ${SOURCE}/tests/install/consumer.c ${WORK}/pc_${pc})
endforeach()

# 5. run them ------------------------------------------------------------------------
set(reference "")
foreach(exe ${cb}/consumer_shared ${cb}/consumer_static ${WORK}/pc_aandacht ${WORK}/pc_aandacht-static)
  # LD_LIBRARY_PATH only for the one built by pkg-config against the shared
  # library; the CMake one has the prefix in its RPATH, the static ones need
  # no libaandacht.so
  if(exe MATCHES "pc_aandacht$")
    set(env LD_LIBRARY_PATH=${LIB})
  else()
    set(env --unset=LD_LIBRARY_PATH)
  endif()
  if(READELF)
    ad_run("readelf" ${READELF} -d ${exe})
    if(exe MATCHES "static$" AND ad_out MATCHES "libaandacht")
      message(FATAL_ERROR "${exe} should not need libaandacht.so:\n${ad_out}")
    elseif(NOT exe MATCHES "static$" AND NOT ad_out MATCHES "NEEDED[^\n]*libaandacht\\.so\\.0")
      message(FATAL_ERROR "${exe} does not link libaandacht.so.0:\n${ad_out}")
    endif()
  endif()
  ad_run("running ${exe}" ${CMAKE_COMMAND} -E env ${env} ${exe})
  if(NOT ad_out MATCHES "^aandacht [0-9]+\\.[0-9]+\\.[0-9]+.*\nweek 4: Robo ")
    message(FATAL_ERROR "${exe} printed:\n${ad_out}")
  endif()
  if(NOT reference)
    set(reference "${ad_out}")
    message(STATUS "consumer_shared printed:\n${ad_out}")
  elseif(NOT ad_out STREQUAL reference)
    message(FATAL_ERROR "${exe} printed\n${ad_out}\nbut consumer_shared printed\n${reference}")
  endif()
endforeach()
message(STATUS "the four builds of consumer.c (find_package and pkg-config, shared and static) ran alike")
file(REMOVE_RECURSE ${WORK})

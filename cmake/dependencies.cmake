# The libraries aandacht builds on, found with a message that names the one
# that is missing, its Debian package and how to point CMake at a copy of it
# elsewhere (a module, a prefix in $HOME): docs/hpc.md, "Building without
# root (module systems)", gives the whole recipe.
#
#   OpenMP     the C compiler's (GCC's libgomp, or Clang with libomp)
#   HDF5       C and high-level libraries    -DHDF5_ROOT=DIR, or h5cc on PATH
#   libconfig  through pkg-config            -DCMAKE_PREFIX_PATH=DIR, or PKG_CONFIG_PATH
#   GSL                                      -DGSL_ROOT_DIR=DIR
#   Random123  headers only                  -DRANDOM123_INCLUDE_DIR=DIR
#   Criterion  the tests only (AANDACHT_TESTS is ON by default only when it is found)

# ad_dependency_missing(NAME DEBIAN ELSEWHERE): stops the configure.
function(ad_dependency_missing name debian elsewhere)
  message(FATAL_ERROR "${name} was not found.\n"
    "  Debian/Ubuntu: sudo apt-get install ${debian}  (tools/install-deps lists every package)\n"
    "  Elsewhere: ${elsewhere}\n"
    "  Then configure again. docs/hpc.md, "
    "\"Building without root (module systems)\", shows where each dependency comes from.")
endfunction()

find_package(OpenMP COMPONENTS C)
if(NOT OpenMP_C_FOUND)
  ad_dependency_missing("OpenMP for C (compiler ${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER})"
    "build-essential (GCC brings libgomp), or libomp-dev with clang"
    "use a compiler with OpenMP, e.g. `module load gcc` and configure with -DCMAKE_C_COMPILER=gcc in a fresh build directory")
endif()

find_package(HDF5 COMPONENTS C HL)
if(NOT HDF5_FOUND)
  ad_dependency_missing("HDF5 (its C and high-level libraries)" "libhdf5-dev"
    "`module load hdf5` (which puts h5cc on PATH), or -DHDF5_ROOT=/path/to/hdf5, the directory that holds include/hdf5.h and lib/libhdf5_hl.*")
endif()

find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  ad_dependency_missing("pkg-config (CMake finds libconfig with it)" "pkg-config"
    "`module load pkg-config` (or pkgconf), or -DPKG_CONFIG_EXECUTABLE=/path/to/pkg-config")
endif()
pkg_check_modules(LIBCONFIG IMPORTED_TARGET libconfig)
if(NOT LIBCONFIG_FOUND)
  ad_dependency_missing("libconfig (pkg-config module libconfig, libconfig.pc)" "libconfig-dev"
    "build it into a prefix such as $HOME/.local and add -DCMAKE_PREFIX_PATH=$HOME/.local (or set PKG_CONFIG_PATH=$HOME/.local/lib/pkgconfig), or `module load libconfig`")
endif()

find_package(GSL)
if(NOT GSL_FOUND)
  ad_dependency_missing("GSL (the GNU Scientific Library)" "libgsl-dev"
    "`module load gsl`, or -DGSL_ROOT_DIR=/path/to/gsl, the directory that holds include/gsl/ and lib/libgsl.*")
endif()

# Random123 is headers only; a path given by hand is checked too, since
# find_path keeps whatever the cache holds without looking.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h
  DOC "Directory that holds Random123/philox.h (Random123 is headers only)")
if(NOT RANDOM123_INCLUDE_DIR OR NOT EXISTS "${RANDOM123_INCLUDE_DIR}/Random123/philox.h")
  if(RANDOM123_INCLUDE_DIR)
    set(ad_r123_given " (RANDOM123_INCLUDE_DIR=${RANDOM123_INCLUDE_DIR} has no Random123/philox.h)")
  endif()
  ad_dependency_missing("Random123${ad_r123_given}" "librandom123-dev"
    "it is headers only: unpack the Random123 release anywhere and give -DRANDOM123_INCLUDE_DIR=/path/to/random123/include, the directory that holds Random123/philox.h")
endif()

# AANDACHT_TESTS: ON by default when Criterion is found, else OFF with a
# message. Set by hand, it is kept; ON without Criterion stops the configure.
# A default that was chosen here follows Criterion when the configure runs
# again (installed later: the tests come on).
find_library(CRITERION_LIBRARY criterion DOC "Criterion's library (tests)")
find_path(CRITERION_INCLUDE_DIR criterion/criterion.h DOC "Directory that holds criterion/criterion.h (tests)")
if(CRITERION_LIBRARY AND EXISTS "${CRITERION_LIBRARY}" AND EXISTS "${CRITERION_INCLUDE_DIR}/criterion/criterion.h")
  set(ad_criterion ON)
else()
  set(ad_criterion OFF)
endif()
if(NOT DEFINED AANDACHT_TESTS OR (NOT "${AD_TESTS_AUTO}" STREQUAL "" AND "${AANDACHT_TESTS}" STREQUAL "${AD_TESTS_AUTO}"))
  set(AANDACHT_TESTS ${ad_criterion} CACHE BOOL "Build the tests (default: ON when Criterion is found)" FORCE)
  set(AD_TESTS_AUTO ${ad_criterion} CACHE INTERNAL "the value AANDACHT_TESTS was given by default")
  if(NOT ad_criterion)
    message(STATUS "Criterion not found: the tests are off (AANDACHT_TESTS=OFF). To build them, install "
      "Criterion (Debian/Ubuntu: libcriterion-dev) or point CMake at it with -DCMAKE_PREFIX_PATH=/path/to/criterion, "
      "and configure again")
  endif()
else()
  set(AD_TESTS_AUTO "" CACHE INTERNAL "the value AANDACHT_TESTS was given by default (empty: set by hand)")
  set_property(CACHE AANDACHT_TESTS PROPERTY TYPE BOOL)
  set_property(CACHE AANDACHT_TESTS PROPERTY HELPSTRING "Build the tests (default: ON when Criterion is found)")
  if(AANDACHT_TESTS AND NOT ad_criterion)
    ad_dependency_missing("Criterion (the test framework; AANDACHT_TESTS is ON)" "libcriterion-dev"
      "-DCMAKE_PREFIX_PATH=/path/to/criterion (the directory that holds include/criterion/ and lib/libcriterion.*), or -DCRITERION_LIBRARY=... -DCRITERION_INCLUDE_DIR=...; or build without the tests: -DAANDACHT_TESTS=OFF")
  endif()
endif()

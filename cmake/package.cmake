# The installed library: libaandacht.so and libaandacht.a, both the public
# API of include/aandacht.h (the core and model layers; the output layer and
# HDF5 are not part of it), with a CMake package and pkg-config files.
#
#   find_package(aandacht 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE aandacht::aandacht)          # libaandacht.so
#   target_link_libraries(app PRIVATE aandacht::aandacht_static)   # libaandacht.a, with
#                                        # libconfig, GSL, OpenMP and libm linked too
#
#   cc app.c $(pkg-config --cflags --libs aandacht)          # shared
#   cc app.c $(pkg-config --cflags --libs aandacht-static)   # static
#
# Programs write #include <aandacht/aandacht.h>; the headers include each
# other by name ("error.h"), which the compiler finds beside the including
# header, so only <prefix>/include is on the include path.
# tests/install/check_install.cmake (ctest -R install) installs into a
# temporary prefix and builds a program all four ways.
include(CMakePackageConfigHelpers)

# libaandacht.a: the objects of the core and model layers, compiled as for
# the shared library (position-independent, hidden visibility: a static
# archive keeps every symbol linkable, the hidden ones are simply not
# exported again by a shared library that links it). Its dependencies are
# link-only for a consumer (PRIVATE on a static library).
add_library(aandacht_static STATIC $<TARGET_OBJECTS:aandacht_core> $<TARGET_OBJECTS:aandacht_model>)
target_link_libraries(aandacht_static PRIVATE PkgConfig::LIBCONFIG GSL::gsl OpenMP::OpenMP_C m)
target_include_directories(aandacht_static INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/sim>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(aandacht_static PROPERTIES OUTPUT_NAME aandacht EXPORT_NAME aandacht_static)
set_target_properties(aandacht_shared PROPERTIES EXPORT_NAME aandacht)
target_include_directories(aandacht_shared INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# the names a project that adds this tree with add_subdirectory links
add_library(aandacht::aandacht ALIAS aandacht_shared)
add_library(aandacht::aandacht_static ALIAS aandacht_static)

set(AD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/aandacht)
install(TARGETS aandacht_shared aandacht_static EXPORT aandachtTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT aandachtTargets NAMESPACE aandacht:: DESTINATION ${AD_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/aandachtConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/aandachtConfig.cmake INSTALL_DESTINATION ${AD_CMAKE_DIR})
# 0.x: a minor version may change the API, so 0.1 accepts 0.1.* only
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/aandachtConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/aandachtConfig.cmake
  ${CMAKE_BINARY_DIR}/package/aandachtConfigVersion.cmake DESTINATION ${AD_CMAKE_DIR})

# pkg-config: the paths relative to the .pc file's own folder (${pcfiledir}),
# so that the files are right for any prefix the tree is installed into
# (cmake --install --prefix) or moved to; absolute when the install
# directories are given as absolute paths.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(AD_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(AD_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH ad_pc_up "/r/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/r")
  string(REGEX REPLACE "/$" "" ad_pc_up "${ad_pc_up}")
  set(AD_PC_PREFIX "\${pcfiledir}/${ad_pc_up}")
  set(AD_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(AD_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(AD_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# the compiler's OpenMP flag (-fopenmp), which links its runtime
set(AD_PC_OPENMP "${OpenMP_C_FLAGS}")
foreach(pc aandacht aandacht-static)
  configure_file(${CMAKE_SOURCE_DIR}/cmake/${pc}.pc.in ${CMAKE_BINARY_DIR}/package/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/package/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

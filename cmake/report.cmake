# `aandacht report`: the Python interpreter and the analysis package.
#
# AANDACHT_PYTHON is an interpreter that can import h5py, numpy, matplotlib
# and scipy (Debian's python3 on a fresh machine, or any other that has
# them); the tests use it too (tests/CMakeLists.txt adds pytest). Its path,
# the source tree's analysis/ directory and the installed package directory
# (share/aandacht/python) are baked into the binary as defaults; the
# environment variables AANDACHT_PYTHON and AANDACHT_ANALYSIS override them
# when it runs (app/python_cmd.c, for `aandacht report` and `aandacht explore`).
# ad_find_python(MODULES): sets the cache variable AANDACHT_PYTHON, unless
# it is set already, to the first of CMake's Python 3, /usr/bin/python3 and
# python3 on PATH that can import MODULES ("h5py, numpy").
function(ad_find_python modules)
  if(AANDACHT_PYTHON)
    return()
  endif()
  foreach(py ${Python3_EXECUTABLE} /usr/bin/python3 python3)
    if(py)
      execute_process(COMMAND ${py} -c "import ${modules}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        set(AANDACHT_PYTHON ${py} CACHE FILEPATH
          "Python interpreter with h5py, numpy, matplotlib, scipy (reports and tests)" FORCE)
        return()
      endif()
    endif()
  endforeach()
endfunction()

set(AD_REPORT_MODULES "h5py, numpy, matplotlib, scipy")
set(AANDACHT_PYTHON "" CACHE FILEPATH "Python interpreter with h5py, numpy, matplotlib, scipy (reports and tests)")
ad_find_python("${AD_REPORT_MODULES}")
if(AANDACHT_PYTHON)
  execute_process(COMMAND ${AANDACHT_PYTHON} -c "import ${AD_REPORT_MODULES}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(WARNING "${AANDACHT_PYTHON} cannot import ${AD_REPORT_MODULES}: `aandacht report` will say "
      "what to install (Debian: python3-h5py python3-numpy python3-matplotlib python3-scipy)")
  endif()
else()
  message(WARNING "No Python with ${AD_REPORT_MODULES}: `aandacht report` will say what to install "
    "(Debian: python3-h5py python3-numpy python3-matplotlib python3-scipy)")
endif()

set(AD_REPORT_PKG_DIR ${CMAKE_INSTALL_DATADIR}/aandacht/python)
target_sources(aandacht PRIVATE ${CMAKE_SOURCE_DIR}/app/report_cmd.c)
target_compile_definitions(aandacht PRIVATE
  AD_REPORT_PYTHON="${AANDACHT_PYTHON}"
  AD_REPORT_ANALYSIS="${CMAKE_SOURCE_DIR}/analysis"
  AD_REPORT_ANALYSIS_INSTALLED="${CMAKE_INSTALL_FULL_DATADIR}/aandacht/python")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/analysis/aandacht DESTINATION ${AD_REPORT_PKG_DIR}
  FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
# the page `aandacht explore` serves: HTML, CSS, JS and vendor/uplot (with its LICENSE and VERSION)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/analysis/aandacht/explore_page DESTINATION ${AD_REPORT_PKG_DIR}/aandacht)

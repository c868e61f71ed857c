# Steps of the consumer tests that are not a CMake build (run with cmake -P):
#   -DSTEP=install     -DBUILD_DIR=<xjax build> -DPREFIX=<dir>: a fresh install into PREFIX
#   -DSTEP=header_only -DCXX=<compiler> -DSOURCE_DIR=<xjax source> -DOUT=<program>:
#                      g++ -std=c++20 -O0 -I include main.cpp model.cpp -lfmt, then runs it
cmake_minimum_required(VERSION 3.20)

function(run)
  string(JOIN " " _cmd ${ARGN})
  message(STATUS "${_cmd}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}")
  endif()
endfunction()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
elseif(STEP STREQUAL "header_only")
  get_filename_component(_dir "${OUT}" DIRECTORY)
  file(MAKE_DIRECTORY "${_dir}")
  set(_here "${CMAKE_CURRENT_LIST_DIR}")
  run("${CXX}" -std=c++20 -O0 -I "${SOURCE_DIR}/include" "${_here}/main.cpp" "${_here}/model.cpp" -o "${OUT}" -lfmt)
  run("${OUT}")
else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()

# version.cmake - write the version header, run at every build:
#
#   cmake -DSOURCE_DIR=DIR -DOUTPUT=FILE -DVERSION=X.Y.Z -P version.cmake
#
# CRISK_VERSION_STRING is VERSION alone, or "VERSION (git DESCRIBE)" when
# SOURCE_DIR is the top of a git checkout, DESCRIBE being
# `git describe --tags --always --dirty --abbrev=12`: the nearest tag and the
# commits since it, or only the commit when there is no tag (a clone of main
# has none), and "-dirty" when tracked files were changed.  No git, a source
# tree that is not a checkout (an unpacked tarball), or one that lies inside
# some other repository all give VERSION alone.  OUTPUT is rewritten only
# when the string changed, so an unchanged tree recompiles nothing.
cmake_minimum_required(VERSION 3.25)

set(describe "")
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --show-toplevel
                  OUTPUT_VARIABLE top RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
    if(top STREQUAL source)
      execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR}
                              describe --tags --always --dirty --abbrev=12
                      OUTPUT_VARIABLE describe RESULT_VARIABLE rc
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(NOT rc EQUAL 0)
        set(describe "")
      endif()
    endif()
  endif()
endif()

# A tag may hold characters a C string or a JSON field would have to escape.
string(REGEX REPLACE "[^A-Za-z0-9._+/-]" "_" describe "${describe}")
if(describe STREQUAL "")
  set(version "${VERSION}")
else()
  set(version "${VERSION} (git ${describe})")
endif()
file(CONFIGURE OUTPUT ${OUTPUT} @ONLY CONTENT
"/* Generated at build time by tools/dist/version.cmake: do not edit. */
#define CRISK_VERSION_STRING \"${version}\"
")

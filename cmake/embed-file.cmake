# Turns a JavaScript file into a C header holding its text as
# `static const char NAME[]`, written as bytes so no escaping can go wrong.
# Usage: cmake -DINPUT=file.js -DOUTPUT=file.h -DNAME=symbol -P embed-file.cmake
# With -DSPLICE="a.js|b.js", each line "  /* @a.js@ */" in INPUT is replaced by
# that file's text first: code shared by embedded scripts lives once.
if(SPLICE)
  file(READ "${INPUT}" text)
  string(REPLACE "|" ";" splice_files "${SPLICE}")
  foreach(splice_file ${splice_files})
    get_filename_component(splice_name "${splice_file}" NAME)
    file(READ "${splice_file}" spliced)
    string(REPLACE "  /* @${splice_name}@ */\n" "${spliced}" text "${text}")
  endforeach()
  file(WRITE "${OUTPUT}.src" "${text}")
  file(READ "${OUTPUT}.src" hex HEX)
  file(REMOVE "${OUTPUT}.src")
else()
  file(READ "${INPUT}" hex HEX)
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n        " bytes "${bytes}")
get_filename_component(source_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${source_name} by embed-file.cmake; do not edit. */\n"
  "#pragma once\n"
  "static const char ${NAME}[] = {\n        ${bytes}0x00\n};\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

# Turns the file INPUT into a C header OUTPUT that defines the
# NUL-terminated string constant NAME.  Hex bytes instead of a string
# literal: no escaping, and no limit on literal length.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n        " bytes "${bytes}")
get_filename_component(source "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${source}; do not edit. */\n#pragma once\n\n"
  "static const char ${NAME}[] = {\n        ${bytes}0x00\n};\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

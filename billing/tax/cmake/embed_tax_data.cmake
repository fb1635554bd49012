# Turns billing/tax/data/<name>.csv into one C++ source file with a function per table, so that the
# library needs no data files at run time. Run in script mode:
#   cmake -DDATA_DIR=<dir> -DOUTPUT=<file.cpp> -P embed_tax_data.cmake
# The file name is the contract: <name> is [a-z0-9_]+ and becomes fakturad::billing::tax::detail::<name>_csv().

if(NOT DATA_DIR OR NOT OUTPUT)
    message(FATAL_ERROR "embed_tax_data.cmake needs -DDATA_DIR=... and -DOUTPUT=...")
endif()

file(GLOB files LIST_DIRECTORIES false "${DATA_DIR}/*.csv")
list(SORT files)

set(delimiter "fakturad_tax")
set(definitions "")
foreach(file IN LISTS files)
    get_filename_component(base "${file}" NAME)
    if(NOT base MATCHES "^([a-z0-9_]+)\\.csv$")
        message(FATAL_ERROR "${file}: a tax data file must be named name.csv (name in [a-z0-9_])")
    endif()
    set(name "${CMAKE_MATCH_1}")
    file(READ "${file}" text)
    string(FIND "${text}" ")${delimiter}\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "${file} contains the raw-string delimiter )${delimiter}\"")
    endif()
    string(APPEND definitions
        "std::string_view ${name}_csv() noexcept {\n    return R\"${delimiter}(${text})${delimiter}\";\n}\n\n")
endforeach()

set(content "// Generated from billing/tax/data/*.csv by billing/tax/cmake/embed_tax_data.cmake; do not edit.
#include <string_view>

namespace fakturad::billing::tax::detail {

${definitions}}  // namespace fakturad::billing::tax::detail
")

file(WRITE "${OUTPUT}" "${content}")

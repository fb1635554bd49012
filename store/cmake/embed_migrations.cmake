# Turns store/migrations/NNNN_name.sql into a C++ source file, so that the daemon needs no migration files
# at run time.  Run in script mode:
#   cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cpp> -P embed_migrations.cmake
# The file name is the contract: NNNN is the schema version (1, 2, 3, ... without gaps), name is
# [a-z0-9_]+.  Anything else fails the build, because a misnamed file would silently not be applied.

if(NOT MIGRATIONS_DIR OR NOT OUTPUT)
    message(FATAL_ERROR "embed_migrations.cmake needs -DMIGRATIONS_DIR=... and -DOUTPUT=...")
endif()

file(GLOB files LIST_DIRECTORIES false "${MIGRATIONS_DIR}/*")
list(SORT files)
if(NOT files)
    message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()

set(delimiter "fakturad_sql")
set(definitions "")
set(entries "")
set(expected 1)
foreach(file IN LISTS files)
    get_filename_component(base "${file}" NAME)
    if(NOT base MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
        message(FATAL_ERROR "${file}: a migration file must be named NNNN_name.sql (name in [a-z0-9_])")
    endif()
    set(digits "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    math(EXPR version "${digits}")
    if(NOT version EQUAL expected)
        message(FATAL_ERROR
            "${file}: expected migration version ${expected}; versions start at 1 without gaps")
    endif()
    file(READ "${file}" sql)
    string(FIND "${sql}" ")${delimiter}\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "${file} contains the raw-string delimiter )${delimiter}\"")
    endif()
    string(APPEND definitions
        "constexpr std::string_view sql_${digits} = R\"${delimiter}(${sql})${delimiter}\";\n")
    string(APPEND entries "        migration{${version}, \"${name}\", sql_${digits}},\n")
    math(EXPR expected "${expected} + 1")
endforeach()

set(content "// Generated from store/migrations/*.sql by store/cmake/embed_migrations.cmake; do not edit.
#include \"fakturad/store/migration.hpp\"

#include <array>
#include <string_view>

namespace fakturad::store {
namespace {

${definitions}
}  // namespace

std::span<const migration> embedded_migrations() noexcept {
    static constexpr std::array list{
${entries}    };
    return list;
}

}  // namespace fakturad::store
")

# Always written: the build runs this only when a migration or the list changed, and an output older
# than its inputs would make Ninja run it again on every build.
file(WRITE "${OUTPUT}" "${content}")

# Build helpers shared by every fakturad target.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM} CACHE STRING "" FORCE)
endif()

if(FAKTURAD_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

# Warnings on our own code only; third-party headers are included as SYSTEM.
function(fakturad_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
        $<$<BOOL:${FAKTURAD_WERROR}>:-Werror>
        # GCC 12 reports Asio's awaitable frame allocation as a new/delete mismatch, a false positive
        # (GCC PR 109224); one decision for the whole project instead of pragmas in every coroutine file.
        $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-mismatched-new-delete>)
endfunction()

set_property(GLOBAL PROPERTY FAKTURAD_PUBLIC_HEADERS "")

# fakturad_library(NAME <target> [SOURCES ...] [DEPS ...] [PRIVATE_DEPS ...])
# A module library: public headers under include/fakturad/<module>/, sources under src/.
# Without SOURCES the target is an INTERFACE library (a module whose code is headers only).
function(fakturad_library)
    cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
    if(ARG_SOURCES)
        add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
        target_include_directories(${ARG_NAME} PUBLIC
            $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
        target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
        fakturad_warnings(${ARG_NAME})
    else()
        add_library(${ARG_NAME} INTERFACE)
        if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
            target_include_directories(${ARG_NAME} INTERFACE
                $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
        endif()
        target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
    endif()
    add_library(fakturad::${ARG_NAME} ALIAS ${ARG_NAME})

    file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/*.hpp)
    foreach(h IN LISTS headers)
        set_property(GLOBAL APPEND PROPERTY FAKTURAD_PUBLIC_HEADERS "${ARG_NAME}|${h}")
    endforeach()
endfunction()

# Every public header must compile on its own (include what you use).
function(fakturad_header_check)
    get_property(entries GLOBAL PROPERTY FAKTURAD_PUBLIC_HEADERS)
    set(sources "")
    set(libs "")
    foreach(entry IN LISTS entries)
        string(REPLACE "|" ";" parts "${entry}")
        list(GET parts 0 lib)
        list(GET parts 1 header)
        string(MAKE_C_IDENTIFIER "${header}" id)
        set(src ${CMAKE_BINARY_DIR}/header_check/${id}.cpp)
        file(CONFIGURE OUTPUT ${src} CONTENT "#include \"${header}\"\n#include \"${header}\"\n")
        list(APPEND sources ${src})
        list(APPEND libs ${lib})
    endforeach()
    if(sources)
        list(REMOVE_DUPLICATES libs)
        add_library(fakturad_header_check OBJECT ${sources})
        target_link_libraries(fakturad_header_check PRIVATE ${libs})
        fakturad_warnings(fakturad_header_check)
        # Only whether each header compiles alone matters here: no optimisation, no debug information.
        target_compile_options(fakturad_header_check PRIVATE -O0 -g0)
    endif()
endfunction()

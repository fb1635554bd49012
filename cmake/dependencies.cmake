# Every third-party library comes from a Debian 12 package (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url system)
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(pugixml REQUIRED)
find_package(simdjson REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

if(NOT TARGET CLI11::CLI11)
    find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
    add_library(CLI11::CLI11 INTERFACE IMPORTED)
    target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})
endif()

# documents/ PDFs: HarfBuzz shapes and subsets the fonts, libpng decodes a PNG logo, zlib deflates, qpdf makes
# PDF/A-3 / Factur-X, libqrencode draws the GiroCode.
pkg_check_modules(PDF_RENDER REQUIRED IMPORTED_TARGET harfbuzz harfbuzz-subset libpng zlib)
pkg_check_modules(QPDF REQUIRED IMPORTED_TARGET libqpdf)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)

# howardhinnant-date: date::date (civil calendar) and date::date-tz (IANA zones from the system tzdata).
find_package(date CONFIG REQUIRED)

if(FAKTURAD_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(FAKTURAD_BUILD_BENCH)
    find_package(benchmark QUIET)
endif()

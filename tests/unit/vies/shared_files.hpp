#pragma once
// The VIES part of the shared conformance material (tests/support finds the folder).

#include "fakturad/test/shared_files.hpp"

#include <filesystem>

namespace fakturad::vies::test {

using fakturad::test::read_file;

inline std::filesystem::path vies_dir() { return fakturad::test::shared_dir() / "conformance" / "vies"; }

}  // namespace fakturad::vies::test
